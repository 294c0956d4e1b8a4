// A classifier as a chain of NAMED tf.layers: one forward pass returns every named activation, so
// MI measurements (information plane, MI regularisers) can read any layer, and the layer before the
// logits is known as the penultimate representation. The chain is also a tf.LayersModel (`model`)
// for summary(), save() and predict() by the usual TF.js means; both share the same weights.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';

/** Activations by layer name, in forward order; always includes 'logits' and 'softmax'. */
export type Activations = Record<string, tf.Tensor>;

export interface NamedLayer {
  name: string;
  layer: tf.layers.Layer;
}

export interface ForwardOptions {
  /** Training mode: dropout active. Default false. */
  training?: boolean;
  /** Seed of this step's random draws (dropout masks); the same seed gives the same masks. */
  seed?: number;
}

/** Layers that draw random numbers read the seed of the current forward pass from here. */
export interface StepSeedSource {
  stepSeed(): number;
}

export class Classifier implements StepSeedSource {
  readonly model: tf.LayersModel;
  /** Names of the activations forward() returns, input side first. */
  readonly activationNames: readonly string[];
  /**
   * The representation feeding the logits, before any dropout (for penultimate-layer MI
   * regularisers).
   */
  readonly penultimate: string;
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly inputDtype: 'float32' | 'int32';
  private readonly chain: readonly NamedLayer[];
  private currentSeed = 0;

  /** `layers` run in order on the input; the last one must output [batch, classes] logits.
   * `penultimate` defaults to the layer before the logits (the logits when there is none). */
  constructor(
    readonly name: string,
    inputShape: readonly number[],
    layers: readonly NamedLayer[],
    options: { inputDtype?: 'float32' | 'int32'; penultimate?: string } = {},
  ) {
    if (layers.length < 1) inputError(`${name}: a classifier needs at least one layer`);
    const names = layers.map((l) => l.name);
    for (const reserved of ['logits', 'softmax']) {
      if (names.slice(0, -1).includes(reserved))
        inputError(`${name}: layer name '${reserved}' is reserved for the output`);
    }
    if (new Set(names).size !== names.length)
      inputError(`${name}: layer names must be unique, got ${names.join(', ')}`);
    const softmax = tf.layers.activation({ activation: 'softmax', name: `${name}_softmax` });
    this.chain = [
      ...layers.slice(0, -1),
      { name: 'logits', layer: layers[layers.length - 1].layer },
      { name: 'softmax', layer: softmax },
    ];
    this.inputShape = [...inputShape];
    this.inputDtype = options.inputDtype ?? 'float32';
    const input = tf.input({ shape: [...inputShape], dtype: this.inputDtype });
    let symbolic: tf.SymbolicTensor = input;
    const outputs: tf.SymbolicTensor[] = [];
    for (const { layer } of this.chain) {
      symbolic = layer.apply(symbolic) as tf.SymbolicTensor;
      outputs.push(symbolic);
    }
    const logitsShape = outputs[outputs.length - 2].shape;
    if (logitsShape.length !== 2 || !(Number(logitsShape[1]) >= 2)) {
      inputError(
        `${name}: the last layer must output [batch, classes >= 2] logits, got [${logitsShape}]`,
      );
    }
    this.classes = Number(logitsShape[1]);
    this.activationNames = this.chain.map((l) => l.name);
    // With no layer before the logits (logistic regression) the logits are all there is.
    this.penultimate = options.penultimate ?? this.chain[Math.max(0, this.chain.length - 3)].name;
    if (!this.activationNames.includes(this.penultimate))
      inputError(`${name}: no layer named '${this.penultimate}'`);
    this.model = tf.model({ inputs: input, outputs: symbolic, name });
    // Layers that draw random numbers (dropout) take each step's seed from this forward pass.
    for (const { layer } of this.chain) {
      const seeded = layer as Partial<{ attach(source: StepSeedSource): void }>;
      if (typeof seeded.attach === 'function') seeded.attach(this);
    }
  }

  /** The named layers, input side first, the last one named 'logits' (what the constructor took,
   * so that network surgery can rebuild the chain). */
  get layers(): readonly NamedLayer[] {
    return this.chain.slice(0, -1);
  }

  stepSeed(): number {
    return this.currentSeed;
  }

  /** Every named activation of a batch (tensors owned by the caller, e.g. inside tf.tidy). */
  forward(x: tf.Tensor, options: ForwardOptions = {}): Activations {
    const expected = this.inputShape.reduce((a, b) => a * b, 1);
    const got = x.shape.slice(1).reduce((a, b) => a * b, 1);
    if (got !== expected) {
      inputError(
        `${this.name}: input rows have shape [${x.shape.slice(1)}], the model expects [${this.inputShape}]`,
      );
    }
    this.currentSeed = options.seed ?? 0;
    const kwargs = { training: options.training ?? false };
    const out: Activations = {};
    let h =
      x.shape.length - 1 === this.inputShape.length
        ? x
        : tf.reshape(x, [x.shape[0], ...this.inputShape]);
    for (const { name, layer } of this.chain) {
      h = layer.apply(h, kwargs) as tf.Tensor;
      out[name] = h;
    }
    return out;
  }

  /** Class probabilities [batch, classes] (inference mode). */
  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => this.forward(x).softmax as tf.Tensor2D);
  }

  get trainableVariables(): tf.Variable[] {
    return this.model.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  get parameterCount(): number {
    return this.model.countParams();
  }

  /** One line per named activation: name, output shape. */
  describe(): string[] {
    const shapes = this.model.layers
      .slice(1)
      .map((l) => `[${(l.outputShape as number[]).map((d) => d ?? 'batch')}]`);
    return this.activationNames.map((n, i) => `${n.padEnd(10)} ${shapes[i]}`);
  }

  dispose(): void {
    this.model.dispose();
  }
}
