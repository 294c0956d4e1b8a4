// The MI step and its controls on one seed (protocol §1d, rows 1 and 6-12). The no-dropout network
// trains E + E_r epochs (row 1; its last E_r epochs are the continued-training control); a copy
// taken after epoch E is the pre-pruning network. Its units are scored, and every reading of the
// method and every control starts from that copy, removes (or re-initialises, or drops) the same
// number of units per layer, and retrains E_r epochs with a fresh Adam (as Keras' recompile) and
// the same batch order.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../random/rng';
import type { Classifier } from '../../nn/classifier';
import { selectPruneFraction } from '../../nn/pruning';
import {
  cloneClassifier,
  insertLayerAfter,
  pruneDenseUnits,
  reinitDenseUnits,
} from '../../nn/surgery';
import { evaluateClassifier } from '../../nn/train';
import { SubsetDropout } from '../../nn/unit-masks';
import type { LabelledData } from './data';
import {
  Progress,
  TrainedRun,
  UnitScores,
  fit,
  measurementRows,
  outgoingNorms,
  scoreUnits,
  textModel,
  textSettings,
} from './experiment';
import { HEAD_LAYERS, RELEASED_THRESHOLD } from './paper';
import type { TextConfig } from './profiles';
import {
  Selection,
  impliedThreshold,
  keptUnits,
  removalCount,
  selectUnits,
  unitsBelow,
} from './selection';

/** The readings of the MI step and its controls, each a way to treat the chosen units. */
export type StepMethod =
  | 'prune' // §II-A: remove the low-MI units, retrain
  | 'algorithm1' // Algorithm 1: keep them, drop them with probability 0.5 while retraining
  | 'reinit' // the released code's intent, bug fixed: re-initialise them consistently
  | 'random' // control: remove as many units, drawn at random
  | 'magnitude' // control: remove the units with the smallest outgoing weights
  | 'inverse'; // sanity check: remove the HIGHEST-MI units

/** How each method chooses its units and what it does with them. */
const METHOD_PLAN: Record<
  StepMethod,
  { selection: Selection; action: 'prune' | 'drop' | 'reinit' }
> = {
  prune: { selection: 'mi', action: 'prune' },
  algorithm1: { selection: 'mi', action: 'drop' },
  reinit: { selection: 'mi', action: 'reinit' },
  random: { selection: 'random', action: 'prune' },
  magnitude: { selection: 'magnitude', action: 'prune' },
  inverse: { selection: 'inverse', action: 'prune' },
};

/** Algorithm 1's drop probability for the low-MI units ("with probability p"; p is not given). */
export const ALGORITHM1_RATE = 0.5;

export interface StepRun {
  method: StepMethod;
  /** The prune fraction per layer, or null for the absolute threshold. */
  fraction: number | null;
  /** The absolute threshold (nats) for the threshold candidate, else null. */
  threshold: number | null;
  /** Units treated, per layer. */
  units: Record<string, number[]>;
  /** The absolute t each layer's MI selection implies (halfway between removed and kept). */
  impliedThreshold: Record<string, number>;
  run: TrainedRun;
  /** Per-unit MI of the retrained layers (the kept units for a pruned layer). */
  after: UnitScores[];
}

export interface MiStepRun {
  seed: number;
  /** Row 1: no dropout, E + E_r epochs. */
  base: TrainedRun;
  /** Per-unit MI of the base network's kept epoch: the continued-training control of Fig. 2. */
  baseAfter: UnitScores[];
  /** The network after epoch E, before any MI step. */
  checkpoint: { epoch: number; valAccuracy: number; testAccuracy: number; testLoss: number };
  /** Training seconds up to the checkpoint (E epochs). */
  checkpointSeconds: number;
  /** Per-unit MI at the checkpoint, and the seconds scoring took. */
  before: UnitScores[];
  scoringSeconds: number;
  /** The prune-fraction sweep (method 'prune'), plus the released code's t = 0.05 when asked. */
  sweep: StepRun[];
  /** The fraction chosen on validation (largest within the tolerance of the best). */
  chosenFraction: number;
  /** The other readings and the controls at the chosen fraction. */
  variants: StepRun[];
}

/** Seed offset of the retraining runs (their batch order differs from the base run's epochs). */
const RETRAIN_SEED_OFFSET = 1000;

export async function runMiStep(
  data: LabelledData,
  config: TextConfig,
  seed: number,
  progress?: (label: string) => Progress | undefined,
): Promise<MiStepRun> {
  const rows = measurementRows(data.train, config.miRows, seed);
  const model = textModel(config, data.classes, seed);
  // Set by the base run's epoch-E callback.
  const held: { checkpoint: Classifier | null; seconds: number } = { checkpoint: null, seconds: 0 };
  try {
    const started = performance.now();
    const base = await fit(
      model,
      data,
      textSettings(config, config.epochs + config.retrainEpochs, seed),
      {
        progress: progress?.(`no dropout, seed ${seed}`),
        onEpochEnd: (summary) => {
          if (summary.epoch !== config.epochs) return;
          held.checkpoint = cloneClassifier(model);
          held.seconds = (performance.now() - started) / 1000;
        },
      },
    );
    const pre = held.checkpoint;
    if (!pre) throw new Error(`runMiStep: no checkpoint after epoch ${config.epochs}`);
    const baseAfter = await scoreUnits(model, rows, HEAD_LAYERS, { seed, estimators: 'knn' });
    const checkpointTest = await evaluateOn(pre, data);
    const scoringStart = performance.now();
    const before = await scoreUnits(pre, rows, HEAD_LAYERS, { seed });
    const scoringSeconds = (performance.now() - scoringStart) / 1000;
    const norms: Record<string, number[]> = {};
    for (const layer of HEAD_LAYERS) norms[layer] = await outgoingNorms(pre, layer);
    const mi = Object.fromEntries(before.map((s) => [s.layer, s.knn]));

    const retrain = async (
      method: StepMethod,
      units: Record<string, number[]>,
      fraction: number | null,
      threshold: number | null,
    ): Promise<StepRun> => {
      const treated = applyStep(pre, METHOD_PLAN[method].action, units, seed);
      try {
        const label = `${method} ${fraction === null ? `t=${threshold}` : `f=${fraction}`}, seed ${seed}`;
        const run = await fit(
          treated,
          data,
          textSettings(config, config.retrainEpochs, seed + RETRAIN_SEED_OFFSET),
          { progress: progress?.(label) },
        );
        const after = await scoreUnits(treated, rows, HEAD_LAYERS, { seed, estimators: 'knn' });
        const implied = Object.fromEntries(
          HEAD_LAYERS.map((l) => [l, impliedThreshold(mi[l], units[l])]),
        );
        return { method, fraction, threshold, units, impliedThreshold: implied, run, after };
      } finally {
        treated.dispose();
      }
    };
    const unitsFor = (selection: Selection, fraction: number): Record<string, number[]> =>
      Object.fromEntries(
        HEAD_LAYERS.map((layer, i) => {
          const scores = selection === 'magnitude' ? norms[layer] : mi[layer];
          const count = removalCount(scores.length, fraction);
          const drawSeed = new Rng(seed).fork(`random/${i}`).nextSeed();
          return [layer, selectUnits(selection, scores, count, drawSeed)];
        }),
      );

    const sweep: StepRun[] = [];
    for (const fraction of config.fractions) {
      sweep.push(await retrain('prune', unitsFor('mi', fraction), fraction, null));
    }
    if (config.absoluteThreshold) {
      const units = Object.fromEntries(
        HEAD_LAYERS.map((l) => [l, unitsBelow(mi[l], RELEASED_THRESHOLD)]),
      );
      sweep.push(await retrain('prune', units, null, RELEASED_THRESHOLD));
    }
    const candidates = sweep
      .filter((s) => s.fraction !== null)
      .map((s) => ({ fraction: s.fraction!, valAccuracy: s.run.valAccuracy }));
    const chosenFraction = selectPruneFraction(candidates, {
      tolerance: config.tolerance,
    }).fraction;
    const variants: StepRun[] = [];
    for (const method of config.variants) {
      const units = unitsFor(METHOD_PLAN[method].selection, chosenFraction);
      variants.push(await retrain(method, units, chosenFraction, null));
    }
    return {
      seed,
      base,
      baseAfter,
      checkpoint: { epoch: config.epochs, ...checkpointTest },
      checkpointSeconds: held.seconds,
      before,
      scoringSeconds,
      sweep,
      chosenFraction,
      variants,
    };
  } finally {
    model.dispose();
    held.checkpoint?.dispose();
    tf.dispose([rows.x, rows.y]);
  }
}

async function evaluateOn(
  model: Classifier,
  data: LabelledData,
): Promise<{ valAccuracy: number; testAccuracy: number; testLoss: number }> {
  const val = await evaluateClassifier(model, data.val);
  const test = await evaluateClassifier(model, data.test);
  return {
    valAccuracy: 100 * val.accuracy,
    testAccuracy: 100 * test.accuracy,
    testLoss: test.loss,
  };
}

/** A new classifier: `pre` with the chosen units of each head layer pruned, re-initialised, or
 * given Algorithm 1's dropout. Intermediate copies are disposed. */
function applyStep(
  pre: Classifier,
  action: 'prune' | 'drop' | 'reinit',
  units: Record<string, number[]>,
  seed: number,
): Classifier {
  let current = cloneClassifier(pre);
  HEAD_LAYERS.forEach((layer, i) => {
    const rng = new Rng(seed).fork(`step/${layer}`);
    let next: Classifier;
    if (action === 'prune') {
      next = pruneDenseUnits(current, layer, keptUnits(unitWidth(current, layer), units[layer]));
    } else if (action === 'reinit') {
      next = reinitDenseUnits(current, layer, units[layer], rng.nextSeed());
    } else {
      const drop = new SubsetDropout(units[layer], ALGORITHM1_RATE, rng.nextSeed());
      next = insertLayerAfter(current, layer, { name: `drop${i + 1}`, layer: drop });
    }
    current.dispose();
    current = next;
  });
  return current;
}

function unitWidth(model: Classifier, layer: string): number {
  const named = model.layers.find((l) => l.name === layer)!;
  const shape = named.layer.outputShape as number[];
  return shape[shape.length - 1];
}
