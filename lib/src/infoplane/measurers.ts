// Measurers for the information-plane recorder (recorder.ts): each turns a layer's activations of
// the evaluation rows into I(X;T) and I(T;Y), in nats.
//
//   binningMeasurer     the whole binned layer is one symbol T: I(X;T) = H(T) (the network is
//                       deterministic and X is the row's identity), I(T;Y) plug-in. Fixed range:
//                       `bins` equal bins over one range for every unit (default the layer's
//                       [min, max]); fixed bin size: bins of width `binSize` with edges at its
//                       multiples, as many as the values need.
//   kdeMeasurer the Kolchinsky-Tracey bracket on I(X; T + noise) for X uniform over the rows
//                       (reported: the upper bound as I(X;T), the lower one as a detail) and the
//                       kernel estimate of I(T + noise; Y).
//   referencesMeasurer everything layerReferences (references.ts) computes, for judging a MINE run.
//   minePlaneMeasurer MINE (or another neural lower bound) with a statistics network,
//   re-initialised
//                       for every measurement or warm-started from the previous one.
//
// Each takes `epochs` and `layers` (or an `appliesTo` predicate) to measure only some of them.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { toMatrixAsync, type Matrix } from '../mi/matrix';
import { binnedLayerInformation, discreteEntropy, discreteMi } from '../mi/binning';
import { kdeLayerBounds } from '../mi/kde';
import type { LowerBoundName } from '../mi/neural/objectives';
import type { StatisticsNetworkSpec } from './critics';
import { MineMeasurer, type MeasureOptions, type MineMeasurement } from './mine-measurer';
import { oneHotLabels, standardizeInputRows, standardizeUnits } from './prepare';
import { layerReferences } from './references';
import type { PlaneContext, PlaneMeasurement, PlaneMeasurer } from './recorder';

/** Which (epoch, layer) pairs a measurer measures; all three must agree when several are given. */
export interface MeasurerScope {
  epochs?: readonly number[];
  layers?: readonly string[];
  appliesTo?: (epoch: number, layer: string) => boolean;
}

function scoped(scope: MeasurerScope): (epoch: number, layer: string) => boolean {
  return (epoch, layer) =>
    (!scope.epochs || scope.epochs.includes(epoch)) &&
    (!scope.layers || scope.layers.includes(layer)) &&
    (!scope.appliesTo || scope.appliesTo(epoch, layer));
}

export type BinningMeasurerOptions = MeasurerScope & {
  /** Default 'binning'. */
  name?: string;
} & (
    | {
        /** Fixed range: equal-width bins per unit (default 30). */
        bins?: number;
        /** The range shared by all units, e.g. [-1, 1] for tanh; default the layer's [min, max]. */
        range?: readonly [number, number];
        binSize?: undefined;
      }
    | {
        /** Fixed bin size: the bin of v is floor(v / binSize). */
        binSize: number;
        bins?: undefined;
        range?: undefined;
      }
  );

export function binningMeasurer(options: BinningMeasurerOptions = {}): PlaneMeasurer {
  if (options === null || typeof options !== 'object') inputError('binningMeasurer needs options');
  const { binSize } = options;
  if (binSize !== undefined && !(binSize > 0 && Number.isFinite(binSize))) {
    inputError(`binSize must be a positive number, got ${binSize}`);
  }
  if (binSize !== undefined && (options.bins !== undefined || options.range !== undefined)) {
    inputError(
      'binningMeasurer takes either bins and range (fixed range) or binSize (fixed bin size), not both',
    );
  }
  return {
    name: options.name ?? 'binning',
    appliesTo: scoped(options),
    async measure(activations, context) {
      const layer = await toMatrixAsync(activations, 'activations');
      checkRows(layer.rows, context);
      if (binSize === undefined) {
        const b = binnedLayerInformation(layer, context.labels, {
          bins: options.bins,
          range: options.range,
        });
        return { ixt: b.ixt, ity: b.ity, distinctT: b.distinctT, saturated: b.saturated };
      }
      const codes: Matrix = {
        data: layer.data.map((v) => Math.floor(v / binSize)),
        rows: layer.rows,
        cols: layer.cols,
      };
      const ixt = discreteEntropy(codes, { millerMadow: false });
      const joint = discreteMi(codes, context.labels, { millerMadow: false });
      return {
        ixt,
        ity: joint.mi,
        distinctT: joint.symbolsX,
        saturated: ixt >= 0.99 * Math.log(layer.rows),
      };
    },
  };
}

export interface KdeMeasurerOptions extends MeasurerScope {
  /** Default 'KDE'. */
  name?: string;
  /**
   * Sd of the Gaussian noise added to the layer (in the layer's units, after any standardisation).
   */
  noiseSigma: number;
  /** Use the first `rows` evaluation rows (the cost is O(rows^2 d)); default all. */
  rows?: number;
  /** Standardise the layer first (standardizeUnits: unit mean squared norm, so one noise level
   * means the same in every layer). Default false: the raw activations. */
  standardize?: boolean;
}

export function kdeMeasurer(options: KdeMeasurerOptions): PlaneMeasurer {
  if (options === null || typeof options !== 'object')
    inputError('kdeMeasurer needs options { noiseSigma, ... }');
  if (!(options.noiseSigma > 0) || !Number.isFinite(options.noiseSigma)) {
    inputError(
      `kdeMeasurer needs noise: noiseSigma must be a positive number, got ${options.noiseSigma}`,
    );
  }
  if (options.rows !== undefined && !(Number.isInteger(options.rows) && options.rows >= 2)) {
    inputError(`rows must be an integer >= 2, got ${options.rows}`);
  }
  return {
    name: options.name ?? 'KDE',
    appliesTo: scoped(options),
    async measure(activations, context) {
      checkRows(activations.shape[0], context);
      const rows = Math.min(activations.shape[0], options.rows ?? Infinity);
      const scaled = options.standardize ? await standardizeUnits(activations) : activations;
      const head = tf.slice(scaled, [0, 0], [rows, -1]);
      try {
        const kde = kdeLayerBounds(await toMatrixAsync(head, 'activations'), {
          noiseSd: options.noiseSigma,
          labels: context.labels.slice(0, rows),
        });
        return { ixt: kde.upper, ity: kde.ity ?? null, lower: kde.lower, upper: kde.upper, rows };
      } finally {
        head.dispose();
        if (scaled !== activations) scaled.dispose();
      }
    },
  };
}

export interface ReferencesMeasurerOptions extends MeasurerScope {
  /** Default `references σ=${noiseSigma}`. */
  name?: string;
  noiseSigma: number;
  /** Rows of the O(N^2) kernel quantities (the first evaluation rows). */
  kdeRows: number;
  /** Bins per unit of the binned plane; default 30. */
  bins?: number;
}

/** layerReferences of the standardised layer (its fields are the details); as a plane point, the
 * KDE upper bound on I(X; T + noise) and the KDE estimate of I(T + noise; Y). */
export function referencesMeasurer(options: ReferencesMeasurerOptions): PlaneMeasurer {
  if (options === null || typeof options !== 'object')
    inputError('referencesMeasurer needs options { noiseSigma, kdeRows }');
  return {
    name: options.name ?? `references σ=${options.noiseSigma}`,
    appliesTo: scoped(options),
    async measure(activations, context) {
      checkRows(activations.shape[0], context);
      const z = await standardizeUnits(activations);
      try {
        const { noiseSigma, kdeRows, bins } = options;
        const refs = await layerReferences(z, activations, context.labels, {
          noiseSigma,
          kdeRows,
          bins,
        });
        return { ...refs, ixt: refs.kdeUpper, ity: refs.kdeIty };
      } finally {
        z.dispose();
      }
    },
  };
}

export type PlaneVariable = 'X' | 'Y';

export interface MinePlaneMeasurerOptions extends MeasurerScope {
  name: string;
  spec: StatisticsNetworkSpec;
  /** Each (variable, layer) pair has its own MineMeasurer, seeded by
   * new Rng(seed).fork(`${name}|${variable}|${layer}`).nextSeed(). */
  seed: number;
  /** Fine-tune each pair's network from its previous measurement instead of re-initialising it. */
  warmStart: boolean;
  /** Default 'mine'. */
  bound?: LowerBoundName;
  measure: Omit<MeasureOptions, 'onProgress'>;
  /** Default both. */
  variables?: readonly PlaneVariable[];
}

/** One MINE run as kept in a plane entry's details. */
export interface MineRunDetails {
  /** Best held-out estimate, nats (null: diverged before a finite estimate). */
  value: number | null;
  /** Held-out estimate per MINE epoch (null where non-finite). */
  curve: Array<number | null>;
  stopReason: MineMeasurement['stopReason'];
  seconds: number;
}

/** A MineMeasurement as plain JSON. */
export function mineRunDetails(m: MineMeasurement): MineRunDetails {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    value: finite(m.estimate),
    curve: m.curve.map(finite),
    stopReason: m.stopReason,
    seconds: m.seconds,
  };
}

/**
 * MINE on I(X; T + noise) and I(Y; T + noise): X the evaluation inputs (standardizeInputRows), Y
 * the one-hot labels, T the layer standardised per unit (standardizeUnits); noise as `spec` says.
 * The details hold each variable's run under `runs.X` / `runs.Y`.
 */
export function minePlaneMeasurer(options: MinePlaneMeasurerOptions): PlaneMeasurer {
  if (options === null || typeof options !== 'object')
    inputError('minePlaneMeasurer needs options { name, spec, seed, ... }');
  if (typeof options.name !== 'string' || options.name === '')
    inputError('minePlaneMeasurer needs a name');
  const variables = options.variables ?? ['X', 'Y'];
  if (variables.length === 0 || variables.some((v) => v !== 'X' && v !== 'Y'))
    inputError(`variables must be X and/or Y, got ${variables}`);
  const pairs = new Map<string, MineMeasurer>();
  const sides = new PlaneSides();
  const rng = new Rng(options.seed);
  return {
    name: options.name,
    appliesTo: scoped(options),
    async measure(activations, context) {
      checkRows(activations.shape[0], context);
      const z = await standardizeUnits(activations);
      const result: PlaneMeasurement & { runs: Partial<Record<PlaneVariable, MineRunDetails>> } = {
        runs: {},
      };
      try {
        for (const variable of variables) {
          const side = await sides.get(variable, context);
          const key = `${options.name}|${variable}|${context.layer}`;
          let measurer = pairs.get(key);
          if (!measurer) {
            measurer = new MineMeasurer({
              spec: options.spec,
              shapes: { a: side.shape, l: context.shape },
              seed: rng.fork(key).nextSeed(),
              warmStart: options.warmStart,
              bound: options.bound,
            });
            pairs.set(key, measurer);
          }
          const run = mineRunDetails(await measurer.measure(side.rows, z, options.measure));
          result.runs[variable] = run;
          if (variable === 'X') result.ixt = run.value;
          else result.ity = run.value;
        }
        return result;
      } finally {
        z.dispose();
      }
    },
    dispose() {
      for (const m of pairs.values()) m.dispose();
      pairs.clear();
      sides.dispose();
    },
  };
}

/** The two fixed sides of a plane, made once per evaluation set: X standardised with one scale
 * (keeps the pixels' relative contrast), Y one-hot. */
export class PlaneSides {
  private inputs?: tf.Tensor;
  private cache: Partial<Record<PlaneVariable, { rows: tf.Tensor2D; shape: number[] }>> = {};

  async get(
    variable: PlaneVariable,
    context: PlaneContext,
  ): Promise<{ rows: tf.Tensor2D; shape: number[] }> {
    if (this.inputs !== context.inputs) {
      this.dispose();
      this.inputs = context.inputs;
    }
    let side = this.cache[variable];
    if (!side) {
      side =
        variable === 'X'
          ? {
              rows: await standardizeInputRows(context.inputs),
              shape: context.inputs.shape.slice(1),
            }
          : { rows: oneHotLabels(context.labels, context.classes), shape: [context.classes] };
      this.cache[variable] = side;
    }
    return side;
  }

  dispose(): void {
    for (const side of Object.values(this.cache)) side?.rows.dispose();
    this.cache = {};
    this.inputs = undefined;
  }
}

function checkRows(n: number, context: PlaneContext): void {
  if (context.labels.length !== n)
    inputError(`the layer has ${n} rows but there are ${context.labels.length} labels`);
}
