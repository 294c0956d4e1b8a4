// What MI-Dropout's study measured, per seed and across seeds: the run of each method, paired
// series, Fig. 2's decomposition, estimator agreement and the depth sweep's points and rank
// correlations. results.ts judges the claims from these; tables.ts shows them.
import { spearman } from '../../explore/correlation';
import type { DropoutKind } from '../../nn/dropout';
import { clusterBootstrap } from '../../report/resampling';
import { networkAverageMi } from './baselines';
import type { StepMethod, StepRun, MiStepRun } from './mi-step';
import { HEAD_LAYERS, type PaperDataset } from './paper';
import { decomposeMi, keptUnits, type MiDecomposition } from './selection';
import { type TextStudy } from './study';

export const DATASET_LABELS: Readonly<Record<PaperDataset, string>> = {
  imdb: 'IMDB',
  ag_news: 'AG_NEWS',
  yelp_polarity: 'Yelp polarity',
};

export const STEP_LABELS: Readonly<Record<StepMethod, string>> = {
  prune: 'MI-Dropout (prune and retrain, §II-A)',
  algorithm1: 'MI-Dropout (drop low-MI units, p = 0.5, Algorithm 1)',
  reinit: "MI-Dropout (re-initialise, the released code's intent)",
  random: 'control: random units pruned',
  magnitude: 'control: smallest outgoing weights pruned',
  inverse: 'control: highest-MI units pruned',
};

export const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** The run of `method` at the seed's chosen fraction ('prune' comes from the sweep). */
export function stepRun(step: MiStepRun, method: StepMethod): StepRun | undefined {
  if (method === 'prune')
    return step.sweep.find((s) => s.method === 'prune' && s.fraction === step.chosenFraction);
  return step.variants.find((s) => s.method === method);
}

/** Test accuracies of `method` over the seeds that ran it, with those seeds. */
export function stepAccuracies(
  study: TextStudy,
  method: StepMethod,
): { seeds: number[]; acc: number[] } {
  const pairs = study.miSteps
    .map((s) => [s.seed, stepRun(s, method)?.run.testAccuracy] as const)
    .filter((p): p is readonly [number, number] => p[1] !== undefined);
  return { seeds: pairs.map((p) => p[0]), acc: pairs.map((p) => p[1]) };
}

/** Test accuracy of a baseline kind at a rate, by seed. */
export function baselineBySeed(
  study: TextStudy,
  kind: DropoutKind,
  rate: number,
): Map<number, number> {
  return new Map(
    study.baselines
      .filter((b) => b.kind === kind && b.rate === rate)
      .map((b) => [b.seed, b.run.testAccuracy]),
  );
}

/** Two per-seed series restricted to the seeds both have, in the same order. */
export function paired(
  a: { seeds: number[]; acc: number[] },
  b: Map<number, number>,
): { treated: number[]; baseline: number[] } {
  const treated: number[] = [];
  const baseline: number[] = [];
  a.seeds.forEach((seed, i) => {
    const v = b.get(seed);
    if (v !== undefined) {
      treated.push(a.acc[i]);
      baseline.push(v);
    }
  });
  return { treated, baseline };
}

export const bySeed = (values: Array<[number, number]>) => new Map(values);

/** Fig. 2 per layer for one method: the decomposition of the MI change, per seed. */
export function decomposition(
  study: TextStudy,
  method: StepMethod,
): Record<string, MiDecomposition[]> {
  const out: Record<string, MiDecomposition[]> = {};
  HEAD_LAYERS.forEach((layer, i) => {
    out[layer] = study.miSteps.flatMap((step) => {
      const run = stepRun(step, method);
      if (!run) return [];
      const width = step.before[i].knn.length;
      const kept =
        method === 'prune' || method === 'random' || method === 'magnitude' || method === 'inverse'
          ? keptUnits(width, run.units[layer])
          : Array.from({ length: width }, (_, u) => u);
      return [decomposeMi(step.before[i].knn, kept, run.after[i].knn)];
    });
  });
  return out;
}

/** The continued-training control of Fig. 2: the no-dropout network's MI at its kept epoch minus
 * its MI at the checkpoint (every unit kept). */
export function continuedDecomposition(study: TextStudy): Record<string, MiDecomposition[]> {
  return Object.fromEntries(
    HEAD_LAYERS.map((layer, i) => [
      layer,
      study.miSteps.map((s) =>
        decomposeMi(
          s.before[i].knn,
          s.before[i].knn.map((_, u) => u),
          s.baseAfter[i].knn,
        ),
      ),
    ]),
  );
}

/** Spearman rank agreement of the k-NN and binned per-unit MI at the checkpoint, per layer. */
export function rankAgreement(study: TextStudy): Record<string, number[]> {
  return Object.fromEntries(
    HEAD_LAYERS.map((layer, i) => [
      layer,
      study.miSteps.map((s) => spearman(s.before[i].knn, s.before[i].binned)),
    ]),
  );
}

export interface DepthPoint {
  depth: number;
  seed: number;
  testAccuracy: number;
  averageMi: number;
}

/** Every depth's runs, the main head's depth taken from the MI step's no-dropout runs. */
export function depthPoints(study: TextStudy): DepthPoint[] {
  const main = study.miSteps.map((s) => ({
    depth: study.config.hidden.length,
    seed: s.seed,
    testAccuracy: s.base.testAccuracy,
    averageMi: networkAverageMi(s.baseAfter),
  }));
  const others = study.depths.map((d) => ({
    depth: d.depth,
    seed: d.seed,
    testAccuracy: d.run.testAccuracy,
    averageMi: networkAverageMi(d.scores),
  }));
  return [...main, ...others].sort((a, b) => a.depth - b.depth || a.seed - b.seed);
}

export function depthCorrelation(points: DepthPoint[], of: 'testAccuracy' | 'averageMi') {
  const rho = (sample: readonly DepthPoint[]) =>
    spearman(
      sample.map((p) => p.depth),
      sample.map((p) => p[of]),
    );
  const seeds = [...new Set(points.map((p) => p.seed))];
  const groups = seeds.map((s) => points.filter((p) => p.seed === s));
  // Whole seeds are resampled: a seed's depths share its data order and initial weights.
  const ci = clusterBootstrap(groups, (sample) => rho(sample.flat())).ci;
  return { rho: rho(points), ci, seeds: seeds.length };
}
