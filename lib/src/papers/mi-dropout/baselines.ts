// The runs beside the MI step: the paper's four dropout baselines (one kind at one rate, the
// same E + E_r epochs and epoch-selection rule as every other method) and the depth sweep of
// claim A6 (heads of 1..4 fully connected layers, no dropout, with the network's average per-unit
// MI at the kept epoch).
import * as tf from '@tensorflow/tfjs';
import type { DropoutKind } from '../../nn/dropout';
import type { LabelledData } from './data';
import {
  Progress,
  TrainedRun,
  UnitScores,
  fit,
  measurementRows,
  scoreUnits,
  textModel,
  textSettings,
} from './experiment';
import type { TextConfig } from './profiles';

/** Widths of the depth sweep's heads: depth d takes the first d (the main head is depth 3). */
export const DEPTH_WIDTHS: readonly number[] = [256, 128, 64, 32];

/** The head of depth `depth` in the profile's widths (smoke profiles use narrower heads). */
export function headOfDepth(config: TextConfig, depth: number): number[] {
  const widths = [...config.hidden];
  while (widths.length < depth) widths.push(Math.max(2, Math.round(widths[widths.length - 1] / 2)));
  return widths.slice(0, depth);
}

export interface BaselineRun {
  kind: DropoutKind;
  rate: number;
  seed: number;
  run: TrainedRun;
}

export async function runBaseline(
  data: LabelledData,
  config: TextConfig,
  kind: DropoutKind,
  rate: number,
  seed: number,
  progress?: Progress,
): Promise<BaselineRun> {
  const model = textModel(config, data.classes, seed, { dropout: { kind, rate } });
  try {
    const epochs = config.epochs + config.retrainEpochs;
    const run = await fit(model, data, textSettings(config, epochs, seed), { progress });
    return { kind, rate, seed, run };
  } finally {
    model.dispose();
  }
}

export interface DepthRun {
  depth: number;
  hidden: number[];
  seed: number;
  run: TrainedRun;
  /** Per-unit MI of every head layer at the kept epoch. */
  scores: UnitScores[];
}

export async function runDepth(
  data: LabelledData,
  config: TextConfig,
  depth: number,
  seed: number,
  progress?: Progress,
): Promise<DepthRun> {
  const hidden = headOfDepth(config, depth);
  const model = textModel(config, data.classes, seed, { hidden });
  const rows = measurementRows(data.train, config.miRows, seed);
  try {
    const epochs = config.epochs + config.retrainEpochs;
    const run = await fit(model, data, textSettings(config, epochs, seed), { progress });
    const layers = hidden.map((_, i) => `L${i + 1}`);
    const scores = await scoreUnits(model, rows, layers, { seed, estimators: 'knn' });
    return { depth, hidden, seed, run, scores };
  } finally {
    model.dispose();
    tf.dispose([rows.x, rows.y]);
  }
}

/** The mean per-unit MI over every unit of every head layer (the paper's "average MI" of a
 * network, eq. 3 averaged over its layers' units). */
export function networkAverageMi(scores: readonly UnitScores[]): number {
  const all = scores.flatMap((s) => s.knn);
  return all.reduce((a, b) => a + b, 0) / all.length;
}
