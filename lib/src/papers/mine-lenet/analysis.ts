// From the per-seed records of runInformationPlane to what a reader checks: values with their
// spread over seeds (summarizeFinite: a diverged run has no value), Table 2 outcomes under the
// stated criterion, epochs to converge, and verdicts on the paper's orderings. Pure functions of
// the records (no tensors), so criteria can change without re-running anything.
import { inputError } from '../../errors';
import type { InformationPlanePoint } from '../../infoplane/charts';
import type { PlaneRecord, PlaneRun, PlaneVariable } from './experiment';
import {
  classifyMineRun,
  epochsToPlateau,
  type MineOutcome,
  type OutcomeVerdict,
} from '../../infoplane/outcome';
import { outcomeCriterion, type LayerReferences } from '../../infoplane/references';
import { summarizeFinite, type Summary } from '../../report/summary';
import type { Verdict } from '../../report/results';

/** A summary over seeds at one classifier epoch. */
export type EpochSummary = { epoch: number } & Summary;

/** The references of a layer at an epoch and noise level (default: the record's main one). */
export function referencesAt(
  record: PlaneRecord,
  epoch: number,
  layer: string,
  noiseSigma = record.noiseSigma,
): LayerReferences {
  const found = record.references.find(
    (r) => r.epoch === epoch && r.layer === layer && r.noiseSigma === noiseSigma,
  );
  if (!found)
    inputError(
      `the record of seed ${record.seed} has no references for ${layer} at epoch ${epoch} and noise ${noiseSigma}`,
    );
  return found;
}

/**
 * A run's outcome (converged, exploded, ...) under outcomeCriterion (references of the same seed,
 * epoch, layer and noise; a run without noise is judged against the record's main noise level).
 */
export function runOutcome(record: PlaneRecord, run: PlaneRun): OutcomeVerdict {
  const refs = referencesAt(
    record,
    run.epoch,
    run.layer,
    run.noiseSigma > 0 ? run.noiseSigma : record.noiseSigma,
  );
  const curve = run.curve.length > 0 ? run.curve.map((v) => v ?? NaN) : [run.value ?? NaN];
  return classifyMineRun(curve, outcomeCriterion(run.variable, run.noiseSigma, refs));
}

/** Values of one estimator for (variable, layer) at each epoch, spread over the records (seeds). */
export function estimatesByEpoch(
  records: readonly PlaneRecord[],
  estimator: string,
  variable: PlaneVariable,
  layer: string,
): EpochSummary[] {
  const epochs = [
    ...new Set(
      records.flatMap((r) => r.runs.filter((x) => x.name === estimator).map((x) => x.epoch)),
    ),
  ].sort((a, b) => a - b);
  return epochs.map((epoch) => ({
    epoch,
    ...summarizeFinite(
      records.map(
        (r) =>
          r.runs.find(
            (x) =>
              x.name === estimator &&
              x.variable === variable &&
              x.layer === layer &&
              x.epoch === epoch,
          )?.value ?? null,
      ),
    ),
  }));
}

/** A reference quantity (e.g. 'kdeUpper') for a layer at each epoch, spread over the records. */
export function referenceByEpoch(
  records: readonly PlaneRecord[],
  quantity: 'kdeLower' | 'kdeUpper' | 'kdeIty' | 'binnedIxt' | 'binnedIty',
  layer: string,
  noiseSigma?: number,
): EpochSummary[] {
  const at = (r: PlaneRecord) =>
    r.references.filter((x) => x.layer === layer && x.noiseSigma === (noiseSigma ?? r.noiseSigma));
  const epochs = [...new Set(records.flatMap((r) => at(r).map((x) => x.epoch)))].sort(
    (a, b) => a - b,
  );
  return epochs.map((epoch) => ({
    epoch,
    ...summarizeFinite(
      records.map((r) => at(r).find((x) => x.epoch === epoch)?.[quantity] ?? null),
    ),
  }));
}

/**
 * Information-plane points (mean, sd over seeds) of one estimator pair for each layer and epoch.
 */
export function planePoints(
  layers: readonly string[],
  value: (variable: PlaneVariable, layer: string) => EpochSummary[],
  labels: Record<string, string> = {},
): InformationPlanePoint[] {
  const points: InformationPlanePoint[] = [];
  for (const layer of layers) {
    const xs = value('X', layer);
    const ys = value('Y', layer);
    for (const x of xs) {
      const y = ys.find((p) => p.epoch === x.epoch);
      if (!y || x.n === 0 || y.n === 0) continue;
      points.push({
        layer: labels[layer] ?? layer,
        epoch: x.epoch,
        ix: x.mean,
        iy: y.mean,
        ixSpread: x.sd,
        iySpread: y.sd,
      });
    }
  }
  return points;
}

export interface OrderingCheck {
  verdict: Verdict;
  /**
   * Epochs where the bands (mean +- sd over seeds) separate in the claimed order, the other way, or
   * overlap.
   */
  holds: number[];
  reversed: number[];
  overlap: number[];
  evidence: string;
}

/**
 * Verdict on "A >= B" (or "<=") from per-epoch spreads over seeds. At an epoch the claim holds when
 * the bands mean +- sd do not overlap and are in the claimed order, is reversed when they do not
 * overlap the other way, and is undecided otherwise (always with fewer than 2 seeds: no band).
 * Reproduced: holds at more than half the epochs and is reversed at none; not reproduced: reversed
 * at more than half; otherwise inconclusive.
 */
export function orderingVerdict(
  a: EpochSummary[],
  relation: '>=' | '<=',
  b: EpochSummary[],
  names: [string, string],
): OrderingCheck {
  const holds: number[] = [];
  const reversed: number[] = [];
  const overlap: number[] = [];
  const parts: string[] = [];
  for (const pa of a) {
    const pb = b.find((p) => p.epoch === pa.epoch);
    if (!pb || pa.n === 0 || pb.n === 0) continue;
    const [hi, lo] = relation === '>=' ? [pa, pb] : [pb, pa];
    const seeds = Math.min(pa.n, pb.n);
    if (seeds >= 2 && hi.mean - hi.sd > lo.mean + lo.sd) holds.push(pa.epoch);
    else if (seeds >= 2 && hi.mean + hi.sd < lo.mean - lo.sd) reversed.push(pa.epoch);
    else overlap.push(pa.epoch);
    parts.push(`e${pa.epoch}: ${fmt(pa)} vs ${fmt(pb)}`);
  }
  const epochs = holds.length + reversed.length + overlap.length;
  let verdict: Verdict = 'inconclusive';
  if (epochs > 0 && holds.length > epochs / 2 && reversed.length === 0) verdict = 'reproduced';
  else if (epochs > 0 && reversed.length > epochs / 2) verdict = 'not reproduced';
  const seeds = Math.min(...a.map((p) => p.n), ...b.map((p) => p.n));
  const evidence =
    `${names[0]} ${relation} ${names[1]} (nats, mean±sd over ${Number.isFinite(seeds) ? seeds : 0} seed(s)): ${parts.join('; ')}. ` +
    `Bands separate in the claimed order at ${holds.length}, the other way at ${reversed.length}, ` +
    `overlap at ${overlap.length} of ${epochs} epochs.`;
  return { verdict, holds, reversed, overlap, evidence };
}

function fmt(s: Summary): string {
  return `${s.mean.toFixed(2)}±${s.sd.toFixed(2)}`;
}

/** Outcome counts of runs, e.g. { converged: 3, exploded: 1, ... }. */
export function outcomeCounts(outcomes: readonly MineOutcome[]): Record<MineOutcome, number> {
  const counts: Record<MineOutcome, number> = {
    converged: 0,
    exploded: 0,
    underestimated: 0,
    'not converged': 0,
  };
  for (const o of outcomes) counts[o]++;
  return counts;
}

/** Epochs to plateau of each run of an estimator (e.g. the transfer study's warm and fresh runs),
 * by measurement index (0 = first measurement of a seed). */
export function convergenceEpochs(
  records: readonly PlaneRecord[],
  estimator: string,
  variable: PlaneVariable,
  layer: string,
): number[][] {
  return records.map((r) =>
    r.runs
      .filter((x) => x.name === estimator && x.variable === variable && x.layer === layer)
      .sort((p, q) => p.epoch - q.epoch)
      .map((x) =>
        x.curve.length > 0 && x.curve.every((v) => v !== null)
          ? epochsToPlateau(x.curve as number[])
          : NaN,
      ),
  );
}

/** The middle value of the finite values, the lower of the two middle ones for an even count (so it
 * is always a value that occurred); NaN when there is none. */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  return finite.length === 0 ? NaN : finite[Math.floor((finite.length - 1) / 2)];
}
