// The whole MI-Dropout study of one profile, through runMany (resumable, shared between parallel
// kernels: `npm run full -- --only 001 --workers 2`). Text part, per dataset: the MI step and its
// controls per seed, each baseline's rate chosen on the first seed's validation accuracy and then
// run on every seed (and at the authors' 0.5), the depth sweep (IMDB). Part R: the released MNIST
// pipeline and its dropout baselines per seed.
import { inputError } from '../../errors';
import type { DropoutKind } from '../../nn/dropout';
import { runMany, runName, type RunJob } from '../../report/runs';
import { BaselineRun, DepthRun, runBaseline, runDepth } from './baselines';
import type { DataInfo, LabelledData } from './data';
import type { Progress } from './experiment';
import { MiStepRun, runMiStep } from './mi-step';
import { NOTEBOOK, type PaperDataset } from './paper';
import type { ReleasedConfig, TextConfig } from './profiles';
import { ReleasedDropoutRun, ReleasedRun, runReleased, runReleasedDropout } from './released';

export type ProgressFactory = (label: string) => Progress | undefined;

export interface TextStudy {
  dataset: PaperDataset;
  info: DataInfo;
  config: TextConfig;
  miSteps: MiStepRun[];
  /** Every baseline run, the rate selection included. */
  baselines: BaselineRun[];
  /** The rate chosen per baseline kind on the first seed's validation accuracy. */
  chosenRate: Partial<Record<DropoutKind, number>>;
  depths: DepthRun[];
}

/** What sets a run's result: its part, dataset and data sizes, the settings, the seed. */
function key(parts: Record<string, unknown>, info: DataInfo): string {
  return JSON.stringify({ ...parts, data: info });
}

export async function runTextStudy(
  data: LabelledData,
  info: DataInfo,
  config: TextConfig,
  options: { progress?: ProgressFactory; depths?: boolean } = {},
): Promise<TextStudy> {
  if (config.seeds.length === 0) inputError('the text study needs at least one seed');
  const dataset = info.dataset as PaperDataset;
  const progress = options.progress ?? (() => undefined);
  const { seeds, ...settings } = config;
  const first = seeds[0];

  const miStepJob = (seed: number): RunJob<MiStepRun> => ({
    key: key({ part: 'mi-step', settings, seed }, info),
    name: runName(dataset, 'mi-step', { seed }),
    compute: () => runMiStep(data, config, seed, progress),
  });
  const baselineJob = (kind: DropoutKind, rate: number, seed: number): RunJob<BaselineRun> => ({
    key: key({ part: 'baseline', settings: baseSettings(config), kind, rate, seed }, info),
    name: runName(dataset, kind, { rate, seed }),
    compute: () =>
      runBaseline(data, config, kind, rate, seed, progress(`${kind} p=${rate}, seed ${seed}`)),
  });
  const mainDepth = config.hidden.length;
  const depthJob = (depth: number, seed: number): RunJob<DepthRun> => ({
    key: key({ part: 'depth', settings: baseSettings(config), depth, seed }, info),
    name: runName(dataset, 'depth', { depth, seed }),
    compute: () => runDepth(data, config, depth, seed, progress(`depth ${depth}, seed ${seed}`)),
  });
  const depths = options.depths === false ? [] : config.depths.filter((d) => d !== mainDepth);

  // Batch 1: the MI step on every seed, every candidate rate on the first seed, the depth sweep.
  const tuning = config.baselines.flatMap((kind) => config.rates.map((rate) => ({ kind, rate })));
  const batch1 = await runMany<MiStepRun | BaselineRun | DepthRun>(NOTEBOOK, [
    ...seeds.map(miStepJob),
    ...tuning.map(({ kind, rate }) => baselineJob(kind, rate, first)),
    ...depths.flatMap((depth) => seeds.map((seed) => depthJob(depth, seed))),
  ]);
  const miSteps = batch1.slice(0, seeds.length) as MiStepRun[];
  const tuned = batch1.slice(seeds.length, seeds.length + tuning.length) as BaselineRun[];
  const depthRuns = batch1.slice(seeds.length + tuning.length) as DepthRun[];
  const chosenRate: TextStudy['chosenRate'] = {};
  for (const kind of config.baselines) {
    const runs = tuned.filter((r) => r.kind === kind);
    // The highest validation accuracy; among equals the first rate listed.
    chosenRate[kind] = runs.reduce((a, b) => (b.run.valAccuracy > a.run.valAccuracy ? b : a)).rate;
  }

  // Batch 2: every other seed at the chosen rate, and every seed at the authors' 0.5.
  const wanted = new Map<string, RunJob<BaselineRun>>();
  for (const kind of config.baselines) {
    const rates = [chosenRate[kind]!, ...(config.authorsRate ? [0.5] : [])];
    for (const rate of rates) {
      for (const seed of seeds) {
        const job = baselineJob(kind, rate, seed);
        if (!tuned.some((r) => r.kind === kind && r.rate === rate && r.seed === seed))
          wanted.set(job.key, job);
      }
    }
  }
  const batch2 = await runMany(NOTEBOOK, [...wanted.values()]);
  return {
    dataset,
    info,
    config,
    miSteps,
    baselines: [...tuned, ...batch2],
    chosenRate,
    depths: depthRuns,
  };
}

/** The settings a baseline or depth run depends on (not the MI step's sweep and controls). */
function baseSettings(config: TextConfig) {
  const { vocabSize, sequenceLength, embedding, hidden, batchSize, learningRate } = config;
  const { epochs, retrainEpochs, maxStepsPerEpoch, miRows } = config;
  return {
    vocabSize,
    sequenceLength,
    embedding,
    hidden,
    batchSize,
    learningRate,
    epochs,
    retrainEpochs,
    maxStepsPerEpoch,
    miRows,
  };
}

export interface ReleasedStudy {
  info: DataInfo;
  config: ReleasedConfig;
  runs: ReleasedRun[];
  dropout: ReleasedDropoutRun[];
}

/** The dropout kinds of the released code's branch `Original`. */
export const RELEASED_DROPOUT: readonly DropoutKind[] = ['dropout', 'alpha', 'gaussian'];

export async function runReleasedStudy(
  data: LabelledData,
  info: DataInfo,
  config: ReleasedConfig,
  options: { progress?: ProgressFactory } = {},
): Promise<ReleasedStudy> {
  const progress = options.progress ?? (() => undefined);
  const { seeds, ...settings } = config;
  const jobs: Array<RunJob<ReleasedRun | ReleasedDropoutRun>> = [
    ...seeds.map((seed) => ({
      key: key({ part: 'released', settings, seed }, info),
      name: runName('mnist', 'released', { seed }),
      compute: () => runReleased(data, config, seed, progress),
    })),
    ...RELEASED_DROPOUT.flatMap((kind) =>
      seeds.map((seed) => ({
        key: key({ part: 'released-dropout', settings, kind, seed }, info),
        name: runName('mnist', kind, { seed }),
        compute: () =>
          runReleasedDropout(data, config, kind, seed, progress(`MLP ${kind}, seed ${seed}`)),
      })),
    ),
  ];
  const results = await runMany(NOTEBOOK, jobs);
  return {
    info,
    config,
    runs: results.slice(0, seeds.length) as ReleasedRun[],
    dropout: results.slice(seeds.length) as ReleasedDropoutRun[],
  };
}
