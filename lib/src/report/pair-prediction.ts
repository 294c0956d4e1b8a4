// Does a signal measured on the training set pick, of two networks, the one that generalises
// better? Records of trained networks (their factors, the group they belong to, their signals and
// the outcome) become pairs that differ in exactly one factor "all other factors being equal", and
// each signal is scored by how often its difference, in its stated direction, has the sign of the
// outcome's difference.
import { inputError } from '../errors';

export interface ModelRecord {
  /** What the network was: its factors (e.g. { optimizer: 'adam', regularizer: 'l2' }) and the
   * fields it is grouped by (e.g. { type: 'FCN-6', seed: 1 }), all in one map. */
  labels: Readonly<Record<string, string | number>>;
  /** Training-set signals, e.g. { trainLoss: 0.12, trainMi: 2.1 }. */
  signals: Readonly<Record<string, number>>;
  /** What the signals try to predict, e.g. test accuracy. */
  outcome: number;
}

export interface ModelPair<R extends ModelRecord = ModelRecord> {
  a: R;
  b: R;
  /** The one factor in which a and b differ. */
  factor: string;
}

/**
 * Every pair of records that agree on every `within` label and on every factor but one. Each pair
 * appears once (a before b in the input order).
 */
export function pairsDifferingInOneFactor<R extends ModelRecord>(
  records: readonly R[],
  options: { within: readonly string[]; factors: readonly string[] },
): ModelPair<R>[] {
  const { within, factors } = options;
  if (factors.length === 0) inputError('pairsDifferingInOneFactor needs at least one factor');
  for (const [i, r] of records.entries()) {
    for (const key of [...within, ...factors]) {
      if (!(key in r.labels)) inputError(`record ${i} has no label '${key}'`);
    }
  }
  const pairs: ModelPair<R>[] = [];
  for (let i = 0; i < records.length; i++) {
    for (let j = i + 1; j < records.length; j++) {
      const [a, b] = [records[i], records[j]];
      if (within.some((k) => a.labels[k] !== b.labels[k])) continue;
      const differing = factors.filter((k) => a.labels[k] !== b.labels[k]);
      if (differing.length === 1) pairs.push({ a, b, factor: differing[0] });
    }
  }
  return pairs;
}

export interface PairScore {
  /** Fraction of the scored pairs the signal got right (a signal tie counts one half). */
  score: number;
  /** Pairs scored (outcome ties left out). */
  pairs: number;
  right: number;
  wrong: number;
  signalTies: number;
  outcomeTies: number;
}

/**
 * How often `signal` picks the pair member with the higher outcome. `direction` +1 means a higher
 * signal predicts a higher outcome (training accuracy), -1 a lower one (training loss). Pairs whose
 * outcomes differ by at most `outcomeTolerance` are left out (nothing to predict); signals within
 * `signalTolerance` are a tie, scored one half.
 */
export function scorePairs(
  pairs: readonly ModelPair[],
  signal: string,
  options: { direction: 1 | -1; outcomeTolerance?: number; signalTolerance?: number },
): PairScore {
  const { direction, outcomeTolerance = 0, signalTolerance = 0 } = options;
  if (direction !== 1 && direction !== -1)
    inputError(`direction must be 1 or -1, got ${direction}`);
  let right = 0;
  let wrong = 0;
  let signalTies = 0;
  let outcomeTies = 0;
  for (const { a, b } of pairs) {
    const sa = a.signals[signal];
    const sb = b.signals[signal];
    if (!Number.isFinite(sa) || !Number.isFinite(sb))
      inputError(`signal '${signal}' is missing or not finite in a pair (${sa}, ${sb})`);
    const outcome = b.outcome - a.outcome;
    if (Math.abs(outcome) <= outcomeTolerance) {
      outcomeTies++;
      continue;
    }
    const predicted = direction * (sb - sa);
    if (Math.abs(sb - sa) <= signalTolerance) signalTies++;
    else if (Math.sign(predicted) === Math.sign(outcome)) right++;
    else wrong++;
  }
  const scored = right + wrong + signalTies;
  return {
    score: scored > 0 ? (right + signalTies / 2) / scored : NaN,
    pairs: scored,
    right,
    wrong,
    signalTies,
    outcomeTies,
  };
}
