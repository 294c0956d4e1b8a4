// Statistics networks T(a, l) for MINE-type estimates of I(A; L), where a is the input X (an image)
// or the label Y (one-hot) and l a layer's activations. Both sides arrive flattened, [n, d]; each
// side's per-sample shape says whether it is a feature map (a convolution can see it as one).
// Three kinds, differing in what happens to each side before the concatenation:
//
//   concat          concat(a, l) -> Dense(h) ReLU -> Dense(1)
//   conv-first      each side: feature map -> Conv (linear), vector -> ReLU; then as concat
//   nonlinear-first each side: Dense(h) ReLU; then as concat
//
// The convolution's size and the per-side layer are choices written next to the code that makes
// them (papers that name these kinds rarely fix them). Noise on L is not part of the network: it is
// part of the quantity measured (I(A; L + noise)), so it is added to the data (see
// mine-measurer.ts).
//
// A statistics network is a `Critic` of the neural estimators (mi/neural), so their bounds,
// training loop and early stopping train it; like their critics its variables are non-trainable,
// moved only through an explicit variable list.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { Mlp } from '../mi/neural/mlp';
import type { Critic } from '../mi/neural/critics';

/** Per-sample shape of one side: [d] for a vector, [height, width, channels] for a feature map. */
export type SampleShape = readonly number[];

/** The three kinds of statistics network (see the header). */
export type StatisticsArchitecture = 'concat' | 'conv-first' | 'nonlinear-first';
export const STATISTICS_ARCHITECTURES: readonly StatisticsArchitecture[] = [
  'concat',
  'conv-first',
  'nonlinear-first',
];

export interface StatisticsNetworkSpec {
  /** The network's name in records and progress reports, e.g. '1(3)'. */
  label: string;
  architecture: StatisticsArchitecture;
  /** Units of the Dense ReLU layer after the concatenation (and of nonlinear-first's per-side
   * layers). */
  hidden: number;
  /** Standard deviation of the Gaussian noise added to the standardised layer L; 0 for none. */
  noiseSigma: number;
}

export interface StatisticsNetwork extends Critic {
  readonly spec: StatisticsNetworkSpec;
  readonly shapes: { a: SampleShape; l: SampleShape };
  /** Fresh initial weights drawn from `seed`; the variables keep their identity. */
  reinitialise(seed: number): void;
}

/** Filters of conv-first's convolution: few, so that it reduces the dimension. */
const CONV_FILTERS = 8;

/** The per-side first stage that makes a and l comparable before the concatenation. */
interface Side {
  readonly width: number;
  readonly variables: tf.Variable[];
  apply(x: tf.Tensor2D): tf.Tensor2D;
}

/** The network's modules for one draw of initial weights. */
interface Modules {
  a: Side;
  l: Side;
  /** Dense(h) ReLU -> Dense(1) on the concatenated sides. */
  tail: Mlp;
  variables: tf.Variable[];
}

/** A checked spec. The label defaults to the kind and its sizes, e.g. 'concat h=20 σ=0.1'. */
export function statisticsNetworkSpec(
  architecture: StatisticsArchitecture,
  hidden: number,
  noiseSigma = 0,
  label = `${architecture} h=${hidden}${noiseSigma > 0 ? ` σ=${noiseSigma}` : ''}`,
): StatisticsNetworkSpec {
  // The key order is the one records and run keys have always used.
  const spec: StatisticsNetworkSpec = { label, architecture, hidden, noiseSigma };
  checkSpec(spec);
  return spec;
}

export function buildStatisticsNetwork(
  spec: StatisticsNetworkSpec,
  shapes: { a: SampleShape; l: SampleShape },
  seed: number,
): StatisticsNetwork {
  checkSpec(spec);
  checkShape(shapes.a, 'shapes.a');
  checkShape(shapes.l, 'shapes.l');
  if (!Number.isFinite(seed)) inputError(`seed must be a finite number, got ${seed}`);
  const widthA = sampleWidth(shapes.a);
  const widthL = sampleWidth(shapes.l);
  const modules = buildModules(spec, shapes, seed);
  const check = (a: tf.Tensor2D, l: tf.Tensor2D) => {
    if (a.rank !== 2 || a.shape[1] !== widthA)
      inputError(`statistics network input a must be [n, ${widthA}], got [${a.shape}]`);
    if (l.rank !== 2 || l.shape[1] !== widthL)
      inputError(`statistics network input l must be [n, ${widthL}], got [${l.shape}]`);
  };

  return {
    kind: 'joint',
    spec: { ...spec },
    shapes: { a: [...shapes.a], l: [...shapes.l] },
    variables: modules.variables,
    pairScores(a, l) {
      check(a, l);
      if (a.shape[0] !== l.shape[0])
        inputError(`statistics network inputs have ${a.shape[0]} and ${l.shape[0]} rows`);
      return tf.tidy(
        () =>
          tf.reshape(
            modules.tail.apply(tf.concat([modules.a.apply(a), modules.l.apply(l)], 1)),
            [-1],
          ) as tf.Tensor1D,
      );
    },
    scoreMatrix(a, l) {
      check(a, l);
      // The first Dense layer splits as fa Wa + fl Wl: computed once per row, broadcast over pairs.
      return tf.tidy(() => {
        const [n, m] = [a.shape[0], l.shape[0]];
        const w = modules.tail.weights[0];
        const hidden = w.shape[1] as number;
        const fa = modules.a.apply(a);
        const fl = modules.l.apply(l);
        const wa = tf.slice(w, [0, 0], [modules.a.width, hidden]) as tf.Tensor2D;
        const wl = tf.slice(w, [modules.a.width, 0], [modules.l.width, hidden]) as tf.Tensor2D;
        const left = tf.reshape(tf.matMul(fa, wa), [n, 1, hidden]);
        const right = tf.reshape(tf.add(tf.matMul(fl, wl), modules.tail.biases[0]), [1, m, hidden]);
        const pre = tf.reshape(tf.add(left, right), [n * m, hidden]);
        return tf.reshape(modules.tail.applyFrom(1, pre), [n, m]) as tf.Tensor2D;
      });
    },
    reinitialise(newSeed) {
      if (!Number.isFinite(newSeed)) inputError(`seed must be a finite number, got ${newSeed}`);
      const fresh = buildModules(spec, shapes, newSeed);
      modules.variables.forEach((v, i) => v.assign(fresh.variables[i]));
      for (const v of fresh.variables) v.dispose();
    },
    dispose() {
      for (const v of modules.variables) v.dispose();
    },
  };
}

function buildModules(
  spec: StatisticsNetworkSpec,
  shapes: { a: SampleShape; l: SampleShape },
  seed: number,
): Modules {
  const rng = new Rng(seed);
  const a = buildSide(spec, shapes.a, rng.nextSeed());
  const l = buildSide(spec, shapes.l, rng.nextSeed());
  const tail = new Mlp(a.width + l.width, [spec.hidden], 1, {
    activation: 'relu',
    seed: rng.nextSeed(),
  });
  return { a, l, tail, variables: [...a.variables, ...l.variables, ...tail.variables] };
}

function buildSide(spec: StatisticsNetworkSpec, shape: SampleShape, seed: number): Side {
  const width = sampleWidth(shape);
  switch (spec.architecture) {
    case 'concat':
      return { width, variables: [], apply: (x) => x };
    case 'nonlinear-first': {
      // A non-linearity before concatenating, as a learnable Dense(h) + ReLU per side (a fixed ReLU
      // alone is what conv-first does to vectors).
      const layer = new Mlp(width, [], spec.hidden, { seed });
      return {
        width: spec.hidden,
        variables: layer.variables,
        apply: (x) => tf.relu(layer.apply(x)),
      };
    }
    case 'conv-first':
      // A convolution on feature maps, a ReLU on vectors.
      return shape.length === 3
        ? convolution(shape, seed)
        : { width, variables: [], apply: (x) => tf.relu(x) };
  }
}

/** Linear convolution with CONV_FILTERS filters: 5x5 stride 2 on maps of side >= 8 (X, maxpool1),
 * 3x3 stride 1 on smaller ones (maxpool2 is 4x4). Glorot-uniform over the receptive field. */
function convolution(shape: SampleShape, seed: number): Side {
  const [height, width, channels] = shape;
  const kernel = Math.min(height, width) >= 8 ? 5 : Math.min(3, height, width);
  const stride = kernel === 5 ? 2 : 1;
  const outH = Math.floor((height - kernel) / stride) + 1;
  const outW = Math.floor((width - kernel) / stride) + 1;
  const rng = new Rng(seed);
  const size = kernel * kernel * channels * CONV_FILTERS;
  const limit = Math.sqrt(6 / (kernel * kernel * (channels + CONV_FILTERS)));
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * rng.uniform() - 1) * limit;
  const filter = frozen(tf.tensor4d(values, [kernel, kernel, channels, CONV_FILTERS]));
  const bias = frozen(tf.zeros([CONV_FILTERS]));
  const outWidth = outH * outW * CONV_FILTERS;
  return {
    width: outWidth,
    variables: [filter, bias],
    apply: (x) =>
      tf.tidy(() => {
        const maps = tf.reshape(x, [-1, height, width, channels]) as tf.Tensor4D;
        const conv = tf.add(tf.conv2d(maps, filter as tf.Tensor4D, stride, 'valid'), bias);
        return tf.reshape(conv, [-1, outWidth]) as tf.Tensor2D;
      }),
  };
}

function frozen(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}

function checkSpec(spec: StatisticsNetworkSpec): void {
  if (spec === null || typeof spec !== 'object')
    inputError('a statistics network needs a spec { label, architecture, hidden, noiseSigma }');
  if (!(STATISTICS_ARCHITECTURES as readonly string[]).includes(spec.architecture)) {
    inputError(
      `statistics network architecture must be one of ${STATISTICS_ARCHITECTURES.join(', ')}; got '${spec.architecture}'`,
    );
  }
  if (!Number.isInteger(spec.hidden) || spec.hidden < 1)
    inputError(`statistics network hidden units must be a positive integer, got ${spec.hidden}`);
  if (!(spec.noiseSigma >= 0) || !Number.isFinite(spec.noiseSigma))
    inputError(`noiseSigma must be a finite number >= 0, got ${spec.noiseSigma}`);
}

function checkShape(shape: SampleShape, name: string): void {
  const ok =
    Array.isArray(shape) &&
    (shape.length === 1 || shape.length === 3) &&
    shape.every((s) => Number.isInteger(s) && s > 0);
  if (!ok)
    inputError(
      `${name} must be [d] or [height, width, channels] of positive integers, got [${shape}]`,
    );
}

/** Number of values in one sample of this shape. */
export function sampleWidth(shape: SampleShape): number {
  return shape.reduce((p, s) => p * s, 1);
}
