// What the Deep-MI runs measured, by the rules of protocol §3e fixed before any run: each signal
// scored on the pairs of networks that differ in one factor (within a net type and seed), a
// cluster bootstrap over configurations for every interval (pairs share networks, so a binomial
// interval would be too narrow), McNemar on the pairs where MI and loss disagree, Kendall's tau-b
// as the direction-free check, Holm over the MI variants tried after the pre-registered one.
import { kendallTau, spearman } from '../../explore/correlation';
import { mcnemarTest, holmAdjust } from '../../report/paired-stats';
import {
  pairsDifferingInOneFactor,
  scorePairs,
  type ModelPair,
  type ModelRecord,
} from '../../report/pair-prediction';
import { clusterBootstrap, type ClusterBootstrap } from '../../report/resampling';
import { summarize, type Summary } from '../../report/summary';
import type { GridRun, GridSignals } from './grid';
import type { NetType } from './paper';
import { family, type PlaneRun } from './planes';

export interface SignalSpec {
  name: keyof GridSignals;
  label: string;
  /** +1: a higher value predicts the better network; -1: a lower one. */
  direction: 1 | -1;
  /** paper: the poster's baselines; primary: the MI fixed before any run; variant: MI variants
   * tried as sensitivity analyses; control: the held-out ceiling. */
  role: 'paper' | 'primary' | 'variant' | 'control';
}

export const SIGNALS: readonly SignalSpec[] = [
  { name: 'trainAccuracy', label: 'train accuracy', direction: 1, role: 'paper' },
  { name: 'trainLoss', label: 'train loss', direction: -1, role: 'paper' },
  { name: 'trainMi', label: 'train MI (softmax, 30 bins)', direction: 1, role: 'primary' },
  { name: 'trainMi10', label: 'train MI (softmax, 10 bins)', direction: 1, role: 'variant' },
  { name: 'trainMi100', label: 'train MI (softmax, 100 bins)', direction: 1, role: 'variant' },
  {
    name: 'trainMiBinSize',
    label: 'train MI (softmax, bin size 0.5)',
    direction: 1,
    role: 'variant',
  },
  { name: 'softmaxEntropy', label: 'H(T) of softmax (lower)', direction: -1, role: 'variant' },
  { name: 'hiddenMi', label: 'train MI (last hidden, 30 bins)', direction: 1, role: 'variant' },
  { name: 'hiddenKdeMi', label: 'train MI (last hidden, KDE)', direction: 1, role: 'variant' },
  { name: 'heldOutAccuracy', label: 'held-out training rows', direction: 1, role: 'control' },
];

export const signal = (name: keyof GridSignals): SignalSpec =>
  SIGNALS.find((s) => s.name === name)!;

/** Test accuracies closer than this (points) are a tie: nothing to predict. */
export const OUTCOME_TOLERANCE = 0.05;
/** Bootstrap resamples and seed of every interval. */
export const RESAMPLES = 2000;
const BOOTSTRAP_SEED = 3;

/** A run as a pair-prediction record: factors optimizer, regularizer, noise; groups type, seed. */
export function toRecord(run: GridRun): ModelRecord & { run: GridRun } {
  return {
    labels: {
      type: run.type,
      seed: run.seed,
      optimizer: run.optimizer,
      regularizer: run.regularizer,
      noise: run.noise,
      config: configOf(run),
    },
    signals: run.signals as unknown as Record<string, number>,
    outcome: run.testAccuracy,
    run,
  };
}

export function configOf(run: Pick<GridRun, 'optimizer' | 'regularizer' | 'noise'>): string {
  return `${run.optimizer}/${run.regularizer}${run.noise > 0 ? `/noise ${run.noise}` : ''}`;
}

export type PairRule = 'one factor' | 'all pairs';

/** The pairs the table scores: within a net type and seed, one factor apart ('all pairs': any
 * two configurations). */
export function gridPairs(
  runs: readonly GridRun[],
  rule: PairRule = 'one factor',
  factors: readonly string[] = ['optimizer', 'regularizer'],
): ModelPair<ModelRecord & { run: GridRun }>[] {
  const records = runs.map(toRecord);
  return rule === 'one factor'
    ? pairsDifferingInOneFactor(records, { within: ['type', 'seed'], factors })
    : pairsDifferingInOneFactor(records, { within: ['type', 'seed'], factors: ['config'] });
}

/** A signal's score (%) on the pairs; NaN when no pair has an outcome to predict. */
export function scoreOf(pairs: readonly ModelPair[], s: SignalSpec): number {
  return (
    100 *
    scorePairs(pairs, s.name, { direction: s.direction, outcomeTolerance: OUTCOME_TOLERANCE }).score
  );
}

/** Statistic on a resample of configurations: the runs of the drawn configs (a config drawn twice
 * contributes its runs twice, so its pairs with others count twice; a run never pairs with its
 * copy, which differs in no factor). */
function bootstrapOver(
  runs: readonly GridRun[],
  statistic: (runs: readonly GridRun[]) => number,
): ClusterBootstrap {
  const configs = [...new Set(runs.map(configOf))];
  const byConfig = new Map(configs.map((c) => [c, runs.filter((r) => configOf(r) === c)]));
  return clusterBootstrap(configs, (sample) => statistic(sample.flatMap((c) => byConfig.get(c)!)), {
    resamples: RESAMPLES,
    seed: BOOTSTRAP_SEED,
  });
}

export interface SignalScore {
  signal: SignalSpec;
  /** % of scored pairs predicted, with its bootstrap interval over configurations. */
  score: ClusterBootstrap;
  /** The score per seed (mean ± sd over seeds: the results rows). */
  perSeed: Summary;
  pairs: number;
  /** Kendall's tau-b between the signal (in its direction) and test accuracy over the runs. */
  tau: number;
}

export function scoreSignal(
  runs: readonly GridRun[],
  s: SignalSpec,
  factors: readonly string[] = ['optimizer', 'regularizer'],
): SignalScore {
  const stat = (rs: readonly GridRun[]) => scoreOf(gridPairs(rs, 'one factor', factors), s);
  const seeds = [...new Set(runs.map((r) => r.seed))];
  const perSeed = seeds
    .map((seed) => stat(runs.filter((r) => r.seed === seed)))
    .filter(Number.isFinite);
  const pairs = gridPairs(runs, 'one factor', factors);
  return {
    signal: s,
    score: runs.length > 2 ? bootstrapOver(runs, stat) : fixed(stat(runs)),
    perSeed: summarize(perSeed.length > 0 ? perSeed : [NaN]),
    pairs: scorePairs(pairs, s.name, {
      direction: s.direction,
      outcomeTolerance: OUTCOME_TOLERANCE,
    }).pairs,
    tau: signalTau(runs, s),
  };
}

function fixed(v: number): ClusterBootstrap {
  return { estimate: v, ci: [NaN, NaN], level: 0.95, resamples: 0 };
}

function safeTau(x: number[], y: number[]): number {
  try {
    return kendallTau(x, y);
  } catch {
    return NaN;
  }
}

/** D7's statistic: score(MI) minus the better of score(train loss) and score(train accuracy),
 * the max taken inside each resample. */
export function miAdvantage(
  runs: readonly GridRun[],
  mi: SignalSpec = signal('trainMi'),
  factors: readonly string[] = ['optimizer', 'regularizer'],
): ClusterBootstrap {
  const stat = (rs: readonly GridRun[]) => advantageOn(rs, mi, factors);
  return runs.length > 2 ? bootstrapOver(runs, stat) : fixed(stat(runs));
}

/** The advantage on the runs as observed (no interval); `rule` 'all pairs' is the protocol's
 * sensitivity analysis (any two configurations of a type and seed). */
export function advantageOn(
  runs: readonly GridRun[],
  mi: SignalSpec = signal('trainMi'),
  factors: readonly string[] = ['optimizer', 'regularizer'],
  rule: PairRule = 'one factor',
): number {
  const pairs = gridPairs(runs, rule, factors);
  return (
    scoreOf(pairs, mi) -
    Math.max(scoreOf(pairs, signal('trainLoss')), scoreOf(pairs, signal('trainAccuracy')))
  );
}

/** Kendall's tau-b between a signal (in its direction) and test accuracy over the runs. */
export function signalTau(runs: readonly GridRun[], s: SignalSpec): number {
  return safeTau(
    runs.map((r) => s.direction * r.signals[s.name]),
    runs.map((r) => r.testAccuracy),
  );
}

export interface Discordance {
  /** Pairs where the two signals pick different networks (neither a tie, outcome not a tie). */
  pairs: number;
  /** Of those: the first signal right (b), the second right (c). */
  firstRight: number;
  secondRight: number;
  p: number;
}

/** Exact McNemar on the pairs where two signals disagree: does the first add anything? */
export function discordance(
  pairs: readonly ModelPair[],
  first: SignalSpec,
  second: SignalSpec,
): Discordance {
  let b = 0;
  let c = 0;
  for (const { a, b: other } of pairs) {
    const outcome = other.outcome - a.outcome;
    if (Math.abs(outcome) <= OUTCOME_TOLERANCE) continue;
    const d1 = first.direction * (other.signals[first.name] - a.signals[first.name]);
    const d2 = second.direction * (other.signals[second.name] - a.signals[second.name]);
    if (d1 === 0 || d2 === 0 || Math.sign(d1) === Math.sign(d2)) continue;
    if (Math.sign(d1) === Math.sign(outcome)) b++;
    else c++;
  }
  return { pairs: b + c, firstRight: b, secondRight: c, p: b + c > 0 ? mcnemarTest(b, c).p : 1 };
}

export interface Variant {
  signal: SignalSpec;
  advantage: ClusterBootstrap;
  /** McNemar of the variant against train loss, and its Holm-adjusted p over all variants. */
  vsLoss: Discordance;
  holmP: number;
}

/** Every MI variant's advantage and its test against loss, Holm-adjusted together. */
export function variantAnalysis(runs: readonly GridRun[]): Variant[] {
  const pairs = gridPairs(runs);
  const variants = SIGNALS.filter((s) => s.role === 'primary' || s.role === 'variant');
  const tests = variants.map((s) => discordance(pairs, s, signal('trainLoss')));
  const holm = holmAdjust(tests.map((t) => t.p));
  return variants.map((s, i) => ({
    signal: s,
    advantage: miAdvantage(runs, s),
    vsLoss: tests[i],
    holmP: holm[i],
  }));
}

export interface CollapseSummary {
  /** Runs at less than twice chance. */
  collapsedRuns: number;
  runs: number;
  /** Scored pairs with at least one collapsed member, and all scored pairs. */
  collapsedPairs: number;
  pairs: number;
  /** D7's statistic without the runs that collapsed. */
  advantageWithout: ClusterBootstrap | null;
}

export function collapseAnalysis(runs: readonly GridRun[]): CollapseSummary {
  const pairs = gridPairs(runs).filter(
    (p) => Math.abs(p.b.outcome - p.a.outcome) > OUTCOME_TOLERANCE,
  );
  const kept = runs.filter((r) => !r.collapsed);
  return {
    collapsedRuns: runs.length - kept.length,
    runs: runs.length,
    collapsedPairs: pairs.filter((p) => p.a.run.collapsed || p.b.run.collapsed).length,
    pairs: pairs.length,
    advantageWithout: kept.length > 2 && kept.length < runs.length ? miAdvantage(kept) : null,
  };
}

/** Beyond the poster: is training MI more than a monotone transform of training loss? */
export function miLossRankCorrelation(runs: readonly GridRun[]): number {
  if (runs.length < 3) return NaN;
  try {
    return spearman(
      runs.map((r) => r.signals.trainMi),
      runs.map((r) => -r.signals.trainLoss),
    );
  } catch {
    return NaN; // a constant column: no rank correlation
  }
}

export const typesIn = (runs: readonly GridRun[]): NetType[] => [
  ...new Set(runs.map((r) => r.type)),
];

// ----- D4, D5: the planes -----

export interface PhaseCell {
  activation: string;
  optimizer: string;
  layer: string;
  estimator: 'binned' | 'KDE';
  /** Mean over seeds of I(X;T) at each measured epoch (nats). */
  ixt: number[];
  ity: number[];
  epochs: number[];
  peakEpoch: number;
  /** Mean I(X;T) at its peak minus at the last epoch, and the seed-to-seed sd at the last. */
  drop: number;
  sdLast: number;
  /** I(T;Y) rose from the first measurement to the last (by more than 0.01 nats). */
  fitting: boolean;
  /** I(X;T) fell after its peak by more than 2 sd of its spread over seeds (and 0.01 nats). */
  compression: boolean;
  /** Every measurement had H(T) >= 0.99 log N: nothing can be seen. */
  saturated: boolean;
}

export function phaseCells(runs: readonly PlaneRun[]): PhaseCell[] {
  const cells: PhaseCell[] = [];
  const groups = new Map<string, PlaneRun[]>();
  for (const r of runs) {
    const k = `${r.activation}|${r.optimizer}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const group of groups.values()) {
    const { activation, optimizer, layers } = group[0];
    for (const layer of layers) {
      for (const estimator of ['binned', 'KDE'] as const) {
        const series = group.map((r) =>
          r.entries
            .filter((e) => e.layer === layer && family(e) === estimator)
            .sort((a, b) => a.epoch - b.epoch),
        );
        const epochs = series[0].map((e) => e.epoch);
        if (epochs.length < 2) continue;
        const mean = (k: number, f: 'ixt' | 'ity') =>
          summarize(series.map((s) => s[k]?.[f] ?? NaN)).mean;
        const ixt = epochs.map((_, k) => mean(k, 'ixt'));
        const ity = epochs.map((_, k) => mean(k, 'ity'));
        const peak = ixt.indexOf(Math.max(...ixt));
        const last = epochs.length - 1;
        const sdLast = group.length > 1 ? summarize(series.map((s) => s[last].ixt ?? NaN)).sd : 0;
        const drop = ixt[peak] - ixt[last];
        cells.push({
          activation,
          optimizer,
          layer,
          estimator,
          ixt,
          ity,
          epochs,
          peakEpoch: epochs[peak],
          drop,
          sdLast,
          fitting: ity[last] > ity[0] + 0.01,
          compression: drop > Math.max(2 * sdLast, 0.01),
          saturated: series.every((s) =>
            s.every((e) => (e.details as { saturated?: boolean }).saturated === true),
          ),
        });
      }
    }
  }
  return cells;
}

/** D5: binned I(T_{l+1};Y) above I(T_l;Y) + 0.01 nats, over every run and measured epoch. */
export function dpiViolations(runs: readonly PlaneRun[]): { violations: number; checks: number } {
  let violations = 0;
  let checks = 0;
  for (const r of runs) {
    const epochs = [...new Set(r.entries.map((e) => e.epoch))];
    for (const epoch of epochs) {
      const ity = r.layers.map(
        (layer) =>
          r.entries.find((e) => e.epoch === epoch && e.layer === layer && family(e) === 'binned')
            ?.ity ?? NaN,
      );
      for (let l = 0; l + 1 < ity.length; l++) {
        if (!Number.isFinite(ity[l]) || !Number.isFinite(ity[l + 1])) continue;
        checks++;
        if (ity[l + 1] > ity[l] + 0.01) violations++;
      }
    }
  }
  return { violations, checks };
}
