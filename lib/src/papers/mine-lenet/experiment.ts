// One seed of the paper's experiment on the information-plane recorder (infoplane/recorder.ts):
// train a classifier epoch by epoch; after each epoch its test accuracy; at chosen epochs, for
// every named layer L, I(X; L) and I(Y; L) by each configured MINE estimator (measurers that
// persist across epochs, so warm starts fine-tune) and the references of infoplane/references.ts;
// at other chosen epochs, the Table 2 architecture study. The recording is converted to this
// notebook's record format (PlaneRecord), the one its stored runs have: plain JSON (non-finite
// values as null), so a full run can be cached and resumed (runMany).
import type * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Rng } from '../../random/rng';
import type { Classifier } from '../../nn/classifier';
import type { ClassifierData } from '../../nn/train';
import { checkBoundName, type LowerBoundName } from '../../mi/neural/objectives';
import type { StatisticsNetworkSpec } from '../../infoplane/critics';
import { MineMeasurer, type MeasureOptions } from '../../infoplane/mine-measurer';
import {
  PlaneSides,
  minePlaneMeasurer,
  mineRunDetails,
  referencesMeasurer,
  type MineRunDetails,
  type PlaneVariable,
} from '../../infoplane/measurers';
import {
  recordInformationPlane,
  type PlaneMeasurer,
  type PlaneRecording,
} from '../../infoplane/recorder';
import type { OptimizerSpec } from '../../nn/optimizers';
import { standardizeUnits } from '../../infoplane/prepare';
import type { LayerReferences } from '../../infoplane/references';
import { inputArchitectures, targetArchitectures } from './architectures';

export type { PlaneVariable } from '../../infoplane/measurers';

export interface PlaneEstimator {
  /** Name in the records, e.g. 'MINE h=20'. */
  name: string;
  spec: StatisticsNetworkSpec;
  bound: LowerBoundName;
  warmStart: boolean;
  measure: Omit<MeasureOptions, 'onProgress'>;
  /** Only these layers / variables / classifier epochs (default all of config.measureAt). */
  layers?: readonly string[];
  variables?: readonly PlaneVariable[];
  epochs?: readonly number[];
}

export interface PlaneExperimentConfig {
  seed: number;
  /** Classifier epochs; they are numbered 0 .. epochs-1 as in the paper. */
  epochs: number;
  /** Epochs after which the layers are measured. */
  measureAt: readonly number[];
  /** Activation names of the classifier to measure. */
  layers: readonly string[];
  batchSize: number;
  optimizer: OptimizerSpec;
  /** Cut each epoch short (reduced profiles). */
  maxStepsPerEpoch?: number;
  estimators: readonly PlaneEstimator[];
  /** The main noise level: references are always computed at it (runs without noise are judged
   * against these); also at every other noise an estimator or the study uses. */
  noiseSigma: number;
  /** Rows for the O(N^2) kernel references (the first rows of the evaluation set). */
  kdeRows: number;
  /** The Table 2 study: every architecture of the paper, re-initialised, at these epochs. */
  study?: {
    at: readonly number[];
    noiseSigma: number;
    measure: Omit<MeasureOptions, 'onProgress'>;
    layers?: readonly string[];
  };
}

export interface PlaneData {
  train: ClassifierData;
  test: ClassifierData;
  /** The fixed rows every MI quantity is computed on: images [n, ...] and class ids. */
  evaluation: { x: tf.Tensor; labels: ArrayLike<number> };
}

/** A MINE (or other neural bound) run, as stored. */
export interface PlaneRun extends MineRunDetails {
  epoch: number;
  layer: string;
  variable: PlaneVariable;
  /** Estimator name (plane) or the paper's architecture label (study). */
  name: string;
  noiseSigma: number;
}

export interface PlaneRecord {
  seed: number;
  /** config.noiseSigma */
  noiseSigma: number;
  /** Test accuracy after each epoch (index = epoch). */
  accuracy: number[];
  /** Mean training cross-entropy per epoch. */
  loss: number[];
  references: Array<{ epoch: number; layer: string } & LayerReferences>;
  runs: PlaneRun[];
  study: PlaneRun[];
  seconds: number;
}

export interface PlaneProgress {
  step: number;
  total: number;
  metrics: Record<string, number>;
}

/** Measurer names of the references (one per noise level) and of the study. */
const REFERENCES = 'references σ=';
const STUDY = 'Table 2 study';

/** Train `model` on `data.train` and measure it as `config` says. The model is trained in place. */
export async function runInformationPlane(
  model: Classifier,
  data: PlaneData,
  config: PlaneExperimentConfig,
  onProgress?: (p: PlaneProgress) => void,
): Promise<PlaneRecord> {
  checkConfig(config);
  const recording = await recordInformationPlane(
    model,
    data,
    {
      seed: config.seed,
      epochs: config.epochs,
      measureAt: [...new Set([...config.measureAt, ...(config.study?.at ?? [])])],
      layers: config.layers,
      batchSize: config.batchSize,
      optimizer: config.optimizer,
      maxStepsPerEpoch: config.maxStepsPerEpoch,
      measurers: measurers(config),
    },
    onProgress,
  );
  return toRecord(config, recording);
}

/** References at every noise level (in the order of referenceSigmas), then the estimators, then the
 * study: the order in which the runs and references appear in a record. */
function measurers(config: PlaneExperimentConfig): PlaneMeasurer[] {
  const sigmas = new Set<number>([config.noiseSigma]);
  for (const e of config.estimators) if (e.spec.noiseSigma > 0) sigmas.add(e.spec.noiseSigma);
  if (config.study && config.study.noiseSigma > 0) sigmas.add(config.study.noiseSigma);
  const list: PlaneMeasurer[] = [...sigmas].map((noiseSigma) =>
    referencesMeasurer({
      name: `${REFERENCES}${noiseSigma}`,
      noiseSigma,
      kdeRows: config.kdeRows,
      appliesTo: (epoch, layer) => referenceSigmas(config, epoch, layer).includes(noiseSigma),
    }),
  );
  for (const e of config.estimators) {
    list.push(
      minePlaneMeasurer({
        name: e.name,
        spec: e.spec,
        seed: config.seed,
        warmStart: e.warmStart,
        bound: e.bound,
        measure: e.measure,
        variables: e.variables,
        layers: e.layers,
        appliesTo: (epoch) =>
          config.measureAt.includes(epoch) && (!e.epochs || e.epochs.includes(epoch)),
      }),
    );
  }
  if (config.study) list.push(studyMeasurer(config.seed, config.study));
  return list;
}

/** The Table 2 study at one (epoch, layer): every architecture of the paper, for X and Y, each a
 * fresh MineMeasurer seeded by new Rng(seed).fork(`study ${epoch} ${layer} ${variable}
 * ${label}`). */
function studyMeasurer(
  seed: number,
  study: NonNullable<PlaneExperimentConfig['study']>,
): PlaneMeasurer {
  const sides = new PlaneSides();
  const rng = new Rng(seed);
  return {
    name: STUDY,
    appliesTo: (epoch, layer) =>
      study.at.includes(epoch) && (!study.layers || study.layers.includes(layer)),
    async measure(activations, context) {
      const z = await standardizeUnits(activations);
      const runs: PlaneRun[] = [];
      try {
        const architectures = [
          ['X', inputArchitectures(study.noiseSigma)],
          ['Y', targetArchitectures(study.noiseSigma)],
        ] as const;
        for (const [variable, specs] of architectures) {
          const side = await sides.get(variable, context);
          for (const spec of specs) {
            const measurer = new MineMeasurer({
              spec,
              shapes: { a: side.shape, l: context.shape },
              seed: rng
                .fork(`study ${context.epoch} ${context.layer} ${variable} ${spec.label}`)
                .nextSeed(),
              warmStart: false,
            });
            try {
              const m = await measurer.measure(side.rows, z, study.measure);
              runs.push(
                planeRun(
                  context.epoch,
                  context.layer,
                  variable,
                  spec.label,
                  spec.noiseSigma,
                  mineRunDetails(m),
                ),
              );
            } finally {
              measurer.dispose();
            }
          }
        }
      } finally {
        z.dispose();
      }
      return { runs };
    },
    dispose: () => sides.dispose(),
  };
}

function toRecord(config: PlaneExperimentConfig, recording: PlaneRecording): PlaneRecord {
  const record: PlaneRecord = {
    seed: config.seed,
    noiseSigma: config.noiseSigma,
    accuracy: recording.accuracy,
    loss: recording.loss,
    references: [],
    runs: [],
    study: [],
    seconds: recording.seconds,
  };
  const estimators = new Map(config.estimators.map((e) => [e.name, e]));
  for (const entry of recording.entries) {
    const { epoch, layer } = entry;
    if (entry.measurer === STUDY) {
      record.study.push(...(entry.details.runs as PlaneRun[]));
    } else if (entry.measurer.startsWith(REFERENCES)) {
      record.references.push({ epoch, layer, ...(entry.details as unknown as LayerReferences) });
    } else {
      const e = estimators.get(entry.measurer) as PlaneEstimator;
      const runs = entry.details.runs as Partial<Record<PlaneVariable, MineRunDetails>>;
      for (const variable of ['X', 'Y'] as const) {
        const run = runs[variable];
        if (run) record.runs.push(planeRun(epoch, layer, variable, e.name, e.spec.noiseSigma, run));
      }
    }
  }
  return record;
}

function planeRun(
  epoch: number,
  layer: string,
  variable: PlaneVariable,
  name: string,
  noiseSigma: number,
  m: MineRunDetails,
): PlaneRun {
  return {
    epoch,
    layer,
    variable,
    name,
    noiseSigma,
    value: m.value,
    curve: m.curve,
    stopReason: m.stopReason,
    seconds: m.seconds,
  };
}

function applies(
  estimator: PlaneEstimator,
  layer: string,
  variable: PlaneVariable,
  epoch: number,
): boolean {
  return (
    (!estimator.layers || estimator.layers.includes(layer)) &&
    (!estimator.variables || estimator.variables.includes(variable)) &&
    (!estimator.epochs || estimator.epochs.includes(epoch))
  );
}

/** Every noise level whose references a run at this epoch and layer will be judged by. */
function referenceSigmas(c: PlaneExperimentConfig, epoch: number, layer: string): number[] {
  const sigmas = new Set<number>([c.noiseSigma]);
  if (c.measureAt.includes(epoch)) {
    for (const e of c.estimators) {
      if (e.spec.noiseSigma > 0 && (['X', 'Y'] as const).some((v) => applies(e, layer, v, epoch)))
        sigmas.add(e.spec.noiseSigma);
    }
  }
  const study = c.study;
  if (
    study?.at.includes(epoch) &&
    (!study.layers || study.layers.includes(layer)) &&
    study.noiseSigma > 0
  )
    sigmas.add(study.noiseSigma);
  return [...sigmas];
}

function checkConfig(c: PlaneExperimentConfig): void {
  if (c === null || typeof c !== 'object') inputError('runInformationPlane needs a config');
  if (!Number.isInteger(c.epochs) || c.epochs < 1)
    inputError(`epochs must be a positive integer, got ${c.epochs}`);
  if (!(c.noiseSigma > 0))
    inputError(`noiseSigma must be positive (the references need noise), got ${c.noiseSigma}`);
  for (const e of [...c.measureAt, ...(c.study?.at ?? [])]) {
    if (!Number.isInteger(e) || e < 0 || e >= c.epochs)
      inputError(`measurement epoch ${e} is outside 0..${c.epochs - 1}`);
  }
  const names = new Set<string>();
  for (const e of c.estimators) {
    if (names.has(e.name)) inputError(`estimator names must be unique, '${e.name}' repeats`);
    if (e.name === STUDY || e.name.startsWith(REFERENCES))
      inputError(`estimator name '${e.name}' is reserved`);
    names.add(e.name);
    checkBoundName(e.bound);
  }
}
