// Parts B and C judged by the protocol's rules (protocols-001-003.md §2e), from the studies' runs.
// No printed number can be "reproduced" here: the beta-BNN rows ran on MNIST, not the paper's
// colourful MNIST with Lena backgrounds, and the VID rows on Fashion-MNIST with a small CNN
// teacher, not CIFAR-10 with a WRN-40-2 (CUB-200 and MIT-67 are not reachable either). So every
// table row is inconclusive or "not run here", and the claims (orderings, trends, the selected
// betas, the KL scale, the two stages) carry the verdicts: Part B's in results-bnn.ts, Part C's in
// results-vid.ts; what both read (the labels, seed pairing, one interval's verdict) lives here.
import { inputError } from '../../errors';
import { pairedComparison, type PairedComparison } from '../../report/paired-stats';
import type { Verdict } from '../../report/results';

export const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
export const ci = (c: { ci95: [number, number] }) => `[${fmt(c.ci95[0])}, ${fmt(c.ci95[1])}]`;
export const claimText = (claims: readonly { id: string; claim: string }[], id: string) =>
  `${id}: ${claims.find((c) => c.id === id)!.claim}`;

export const METHOD_LABELS: Readonly<Record<string, string>> = {
  vanilla: 'Vanilla BNN',
  'fixed-prior': 'Fixed-prior β-BNN',
  'beta-bnn': 'β-BNN',
  online: 'Online β-BNN',
  deterministic: 'Deterministic MLP (control)',
  student: 'Student',
  kd: 'KD',
  fitnet: 'FitNet',
  vid: 'VID',
  'vid+kd': 'VID + KD',
  'fitnet-fixed': 'FitNet, fixed weights 1/Var_c (control)',
};

export const testOf = (runs: { testAccuracy: number }[]) => runs.map((r) => r.testAccuracy);
export const test = (r: { testAccuracy: number }) => r.testAccuracy;

/**
 * `value(a) - value(b)` paired by seed. Both sides must hold the same seeds (a study always runs
 * every method on every seed: anything else is a bug, and one clear line), unless `intersect`:
 * then the seeds both sides have.
 */
export function pairBySeed<T extends { seed: number }>(
  a: readonly T[],
  b: readonly T[],
  value: (r: T) => number,
  options: { intersect?: boolean } = {},
): PairedComparison {
  const seedsA = a.map((r) => r.seed).sort((x, y) => x - y);
  const seedsB = new Set(b.map((r) => r.seed));
  const common = seedsA.filter((s) => seedsB.has(s));
  if (!options.intersect && (common.length !== a.length || common.length !== b.length))
    inputError(
      `paired runs need the same seeds on both sides, got [${seedsA}] and [${[...seedsB].sort()}]`,
    );
  if (common.length === 0) inputError('paired runs share no seed');
  const at = (runs: readonly T[], seed: number) => value(runs.find((r) => r.seed === seed)!);
  return pairedComparison(
    common.map((s) => at(a, s)),
    common.map((s) => at(b, s)),
  );
}

/** One interval's verdict: reproduced when it lies above 0, not reproduced when it lies below
 * `failBelow` (0: the effect has the wrong sign; 0.5: it cannot reach half a point), else (and
 * always short of seeds) inconclusive. */
export function intervalVerdict(ci95: readonly number[], enough: boolean, failBelow = 0): Verdict {
  if (!enough) return 'inconclusive';
  if (ci95[0] > 0) return 'reproduced';
  return ci95[1] < failBelow ? 'not reproduced' : 'inconclusive';
}

/** The per-seed differences value(a) - value(b), seeds matched as pairBySeed does. */
export function seedDifferences<T extends { seed: number }>(
  a: readonly T[],
  b: readonly T[],
  value: (r: T) => number,
): number[] {
  pairBySeed(a, b, value); // the same seeds on both sides, or one clear line
  return a.map((r) => value(r) - value(b.find((x) => x.seed === r.seed)!));
}
