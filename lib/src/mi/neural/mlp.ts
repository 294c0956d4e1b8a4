// Small multilayer perceptrons for critics and variational distributions, built from plain
// variables. Weights are drawn from a seeded Rng (not tf.random*), so the same seed gives the same
// network on every backend. Variables are created NON-trainable on purpose: a critic used as a
// regulariser must not be moved by the host model's `optimizer.minimize` (which defaults to all
// trainable variables); the critic is trained only through its own explicit variable list (see
// optimise.ts).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../random/rng';
import { inputError } from '../../errors';

export type Activation = 'relu' | 'elu' | 'tanh' | 'leakyRelu' | 'softplus';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'elu', 'tanh', 'leakyRelu', 'softplus'];

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'elu':
      return tf.elu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'leakyRelu':
      return tf.leakyRelu(x, 0.2);
    case 'softplus':
      return tf.softplus(x);
  }
}

export function checkActivation(activation: string): Activation {
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    inputError(`activation must be one of ${ACTIVATIONS.join(', ')}; got '${activation}'`);
  }
  return activation as Activation;
}

export function checkWidths(hidden: readonly number[], name: string): void {
  if (!Array.isArray(hidden) || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    inputError(`${name} must be an array of positive integers, got [${hidden}]`);
  }
}

/** Glorot-uniform weights [shape...] with the fan computed from the last two axes. */
function glorot(rng: Rng, shape: number[]): tf.Tensor {
  const fanIn = shape[shape.length - 2];
  const fanOut = shape[shape.length - 1];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (2 * rng.uniform() - 1) * limit;
  return tf.tensor(values, shape);
}

function frozenVariable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}

export interface MlpOptions {
  activation?: Activation;
  seed: number;
  /** Start the output layer at zero, so the network starts as the constant 0 (a critic that claims
   * no information until the data says otherwise). Default false. */
  zeroOutput?: boolean;
}

/** Dense layers through `[inputDim, ...hidden, outputDim]`, each weight [...lead, in, out] and bias
 * [...lead, 1, out] (or [out] when there is no lead axis); the two MLP kinds below share it. */
abstract class DenseStack {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];
  readonly activation: Activation;

  protected constructor(
    lead: number[],
    inputDim: number,
    hidden: readonly number[],
    outputDim: number,
    options: MlpOptions,
  ) {
    checkWidths(hidden, 'hidden');
    this.activation = checkActivation(options.activation ?? 'relu');
    const rng = new Rng(options.seed);
    const widths = [inputDim, ...hidden, outputDim];
    for (let l = 0; l + 1 < widths.length; l++) {
      const shape = [...lead, widths[l], widths[l + 1]];
      const last = l + 2 === widths.length;
      this.weights.push(
        frozenVariable(last && options.zeroOutput ? tf.zeros(shape) : glorot(rng, shape)),
      );
      this.biases.push(
        frozenVariable(tf.zeros(lead.length ? [...lead, 1, widths[l + 1]] : [widths[l + 1]])),
      );
    }
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Dense layers `inputDim -> hidden... -> outputDim`, activation between layers, linear output. */
export class Mlp extends DenseStack {
  constructor(
    readonly inputDim: number,
    readonly hidden: readonly number[],
    readonly outputDim: number,
    options: MlpOptions,
  ) {
    super([], inputDim, hidden, outputDim, options);
  }

  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.applyFrom(1, tf.add(tf.matMul(x, this.weights[0]), this.biases[0]));
  }

  /** Continue the forward pass from layer `layer`'s input given the previous layer's PRE-activation
   * (lets the joint critic compute the first layer for all (x_i, y_j) pairs as a broadcast sum). */
  applyFrom(layer: number, preActivation: tf.Tensor): tf.Tensor2D {
    let h = preActivation;
    for (let l = layer; l < this.weights.length; l++) {
      h = tf.add(
        tf.matMul(activate(h, this.activation) as tf.Tensor2D, this.weights[l]),
        this.biases[l],
      );
    }
    return h as tf.Tensor2D;
  }
}

/** m independent MLPs evaluated as one batched op: input [m, n, inputDim] -> [m, n, outputDim]. */
export class BatchedMlp extends DenseStack {
  constructor(
    readonly count: number,
    readonly inputDim: number,
    readonly hidden: readonly number[],
    readonly outputDim: number,
    options: MlpOptions,
  ) {
    super([count], inputDim, hidden, outputDim, options);
  }

  apply(x: tf.Tensor3D): tf.Tensor3D {
    let h: tf.Tensor = x;
    for (let l = 0; l < this.weights.length; l++) {
      if (l > 0) h = activate(h, this.activation);
      h = tf.add(tf.matMul(h as tf.Tensor3D, this.weights[l] as tf.Tensor3D), this.biases[l]);
    }
    return h as tf.Tensor3D;
  }
}
