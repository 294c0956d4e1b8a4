// Seeded model builders for the notebooks. The same seed gives the same initial weights on every
// backend. Activation names (what Classifier.forward returns) are listed in each builder's comment.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Classifier, NamedLayer } from './classifier';
import { DropoutKind, stepDropoutLayer } from './dropout';
import { BayesDense } from './bayes-dense';
import { InitSeeds } from './layers';
import { MaskedMeanPool, PadMaskedEmbedding } from './text-layers';

export interface ModelOptions {
  /** Seed of the initial weights and of the dropout masks' salt (default 0). */
  seed?: number;
  /** Number of classes (default 10; 2 for the text models). */
  classes?: number;
}

export interface DropoutOptions {
  /** Dropout rate (default 0: no dropout layer). */
  dropout?: number;
  /** Which seeded dropout (default 'dropout'). 'spatial1d' drops whole channels of a text model's
   * embedding sequence; the others sit where plain dropout does. */
  dropoutKind?: DropoutKind;
}

export type HiddenActivation = 'relu' | 'tanh' | 'sigmoid' | 'elu';

export interface MlpClassifierOptions extends ModelOptions, DropoutOptions {
  /** Shape of one input row, e.g. 784 or [28, 28, 1] (flattened first). */
  inputShape: number | readonly number[];
  /** Widths of the hidden layers, e.g. [512, 256] or the information-plane [12, 10, 7, 5, 4, 3]. */
  hidden: readonly number[];
  activation?: HiddenActivation;
}

/**
 * Fully connected classifier. Activations: [flatten,] hidden1, [dropout1,] hidden2, ..., logits,
 * softmax.
 */
export function mlpClassifier(options: MlpClassifierOptions): Classifier {
  const inputShape =
    typeof options.inputShape === 'number' ? [options.inputShape] : [...options.inputShape];
  checkShape('mlpClassifier', inputShape);
  if (options.hidden.some((w) => !Number.isInteger(w) || w < 1)) {
    inputError(`mlpClassifier: hidden widths must be positive integers, got [${options.hidden}]`);
  }
  const seeds = new InitSeeds(options.seed ?? 0);
  const kind = denseDropoutKind('mlpClassifier', options);
  const layers: NamedLayer[] = [];
  if (inputShape.length > 1) layers.push({ name: 'flatten', layer: tf.layers.flatten() });
  options.hidden.forEach((units, i) => {
    const name = `hidden${i + 1}`;
    layers.push({ name, layer: dense(seeds, name, units, options.activation ?? 'relu') });
    if (options.dropout) layers.push(dropout(seeds, `dropout${i + 1}`, options.dropout, kind));
  });
  const penultimate = options.hidden.length ? `hidden${options.hidden.length}` : undefined;
  layers.push({ name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 10)) });
  return new Classifier('mlp', inputShape, layers, { penultimate });
}

export interface BayesMlpOptions extends ModelOptions {
  inputShape: number | readonly number[];
  hidden: readonly number[];
  activation?: 'relu' | 'tanh';
  /** rho of every posterior sd at the start (default -3: sd ~ 0.049). */
  initialRho?: number;
}

/**
 * A Bayes-by-backprop MLP: every layer a BayesDense (factorised Gaussian posterior, local
 * reparametrisation; posterior means at inference). Activations: [flatten,] hidden1, ...,
 * logits, softmax. The beta-BNN paper's network:
 * bayesMlp({ inputShape: 784, hidden: [400, 400] }).
 */
export function bayesMlp(options: BayesMlpOptions): Classifier {
  const inputShape =
    typeof options.inputShape === 'number' ? [options.inputShape] : [...options.inputShape];
  checkShape('bayesMlp', inputShape);
  if (options.hidden.some((w) => !Number.isInteger(w) || w < 1))
    inputError(`bayesMlp: hidden widths must be positive integers, got [${options.hidden}]`);
  const seeds = new InitSeeds(options.seed ?? 0);
  const layer = (name: string, units: number, activation: 'relu' | 'tanh' | 'linear') => ({
    name,
    layer: new BayesDense({
      units,
      activation,
      salt: seeds.salt(name),
      seed: seeds.salt(`${name}/init`),
      initialRho: options.initialRho,
      name: uniqueName(name),
    }),
  });
  const layers: NamedLayer[] = [];
  if (inputShape.length > 1) layers.push({ name: 'flatten', layer: tf.layers.flatten() });
  options.hidden.forEach((units, i) =>
    layers.push(layer(`hidden${i + 1}`, units, options.activation ?? 'relu')),
  );
  layers.push(layer('logits', classesOf(options, 10), 'linear'));
  const penultimate = options.hidden.length ? `hidden${options.hidden.length}` : undefined;
  return new Classifier('bayesMlp', inputShape, layers, { penultimate });
}

/** LeNet-5 as in the Caffe/TF tutorials: conv 20@5x5 ReLU, maxpool 2, conv 50@5x5 ReLU, maxpool 2,
 * dense 500 ReLU, dense classes. Activations: conv1, maxpool1, conv2, maxpool2, flatten, relu3,
 * logits, softmax (penultimate: relu3). */
export function lenet5(
  options: ModelOptions & { inputShape?: readonly number[] } = {},
): Classifier {
  const inputShape = [...(options.inputShape ?? [28, 28, 1])];
  checkImageShape('lenet5', inputShape);
  const seeds = new InitSeeds(options.seed ?? 0);
  return new Classifier('lenet5', inputShape, [
    { name: 'conv1', layer: conv(seeds, 'conv1', 20, 5) },
    { name: 'maxpool1', layer: tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }) },
    { name: 'conv2', layer: conv(seeds, 'conv2', 50, 5) },
    { name: 'maxpool2', layer: tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }) },
    { name: 'flatten', layer: tf.layers.flatten() },
    { name: 'relu3', layer: dense(seeds, 'relu3', 500, 'relu') },
    { name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 10)) },
  ]);
}

/** The Keras MNIST CNN: conv 32@3x3 ReLU, maxpool 2, conv 64@3x3 ReLU, maxpool 2, dense 128 ReLU,
 * [dropout,] dense classes. Activations: conv1, maxpool1, conv2, maxpool2, flatten, relu3,
 * [dropout3,] logits, softmax (penultimate: relu3). */
export function smallCnn(
  options: ModelOptions & DropoutOptions & { inputShape?: readonly number[] } = {},
): Classifier {
  const inputShape = [...(options.inputShape ?? [28, 28, 1])];
  checkImageShape('smallCnn', inputShape);
  const kind = denseDropoutKind('smallCnn', options);
  const seeds = new InitSeeds(options.seed ?? 0);
  const layers: NamedLayer[] = [
    { name: 'conv1', layer: conv(seeds, 'conv1', 32, 3) },
    { name: 'maxpool1', layer: tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }) },
    { name: 'conv2', layer: conv(seeds, 'conv2', 64, 3) },
    { name: 'maxpool2', layer: tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }) },
    { name: 'flatten', layer: tf.layers.flatten() },
    { name: 'relu3', layer: dense(seeds, 'relu3', 128, 'relu') },
  ];
  if (options.dropout) layers.push(dropout(seeds, 'dropout3', options.dropout, kind));
  layers.push({ name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 10)) });
  return new Classifier('smallCnn', inputShape, layers, { penultimate: 'relu3' });
}

export interface CnnClassifierOptions extends ModelOptions, DropoutOptions {
  /** One image [height, width, channels] (default [28, 28, 1]). */
  inputShape?: readonly number[];
  /** Filters of each convolution block (conv kernelSize x kernelSize 'valid', maxpool 2), e.g.
   * [32] or [32, 64]. */
  convs: readonly number[];
  /** Convolution kernel size (default 3). */
  kernelSize?: number;
  /** Widths of the fully connected layers after the blocks (default [128]). */
  dense?: readonly number[];
  activation?: HiddenActivation;
}

/**
 * A convolutional classifier of any depth: for each entry of `convs` a block conv{i} (ReLU or
 * `activation`) and maxpool{i}, then flatten, fully connected layers hidden1..hiddenK, [dropout,]
 * logits, softmax (penultimate: the last hidden layer). smallCnn is the fixed two-block case.
 */
export function cnnClassifier(options: CnnClassifierOptions): Classifier {
  const inputShape = [...(options.inputShape ?? [28, 28, 1])];
  checkImageShape('cnnClassifier', inputShape);
  const kernelSize = options.kernelSize ?? 3;
  const denseWidths = options.dense ?? [128];
  const widths = [...options.convs, ...denseWidths];
  if (options.convs.length < 1 || widths.some((w) => !Number.isInteger(w) || w < 1))
    inputError(
      `cnnClassifier: convs (at least one) and dense must be positive integers, ` +
        `got [${options.convs}] and [${denseWidths}]`,
    );
  if (!Number.isInteger(kernelSize) || kernelSize < 1)
    inputError(`cnnClassifier: kernelSize must be a positive integer, got ${kernelSize}`);
  // Each block takes kernelSize - 1 pixels off a side, then halves it: the image must last.
  let side = Math.min(inputShape[0], inputShape[1]);
  for (const _ of options.convs) side = Math.floor((side - kernelSize + 1) / 2);
  if (side < 1)
    inputError(
      `cnnClassifier: ${options.convs.length} blocks of ${kernelSize}x${kernelSize} conv + ` +
        `pool 2 leave nothing of a ${inputShape[0]}x${inputShape[1]} image`,
    );
  const kind = denseDropoutKind('cnnClassifier', options);
  const seeds = new InitSeeds(options.seed ?? 0);
  const activation = options.activation ?? 'relu';
  const layers: NamedLayer[] = [];
  options.convs.forEach((filters, i) => {
    const name = `conv${i + 1}`;
    layers.push({
      name,
      layer: tf.layers.conv2d({
        filters,
        kernelSize,
        activation,
        padding: 'valid',
        kernelInitializer: seeds.glorot(name),
        name: uniqueName(name),
      }),
    });
    layers.push({
      name: `maxpool${i + 1}`,
      layer: tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
    });
  });
  layers.push({ name: 'flatten', layer: tf.layers.flatten() });
  denseWidths.forEach((units, i) => {
    const name = `hidden${i + 1}`;
    layers.push({ name, layer: dense(seeds, name, units, activation) });
  });
  if (options.dropout) layers.push(dropout(seeds, 'dropout', options.dropout, kind));
  layers.push({ name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 10)) });
  const penultimate = denseWidths.length ? `hidden${denseWidths.length}` : 'flatten';
  return new Classifier('cnn', inputShape, layers, { penultimate });
}

export interface TextModelOptions extends ModelOptions, DropoutOptions {
  /** Token ids are in [0, vocabularySize). */
  vocabularySize: number;
  sequenceLength: number;
  /** Embedding width (default 64). */
  embeddingDim?: number;
}

/** Embedding, Conv1D (filters@kernelSize ReLU), global max-pool over time, dense hidden ReLU,
 * [dropout,] logits. Activations: embedding, [embeddingDropout,] conv, pool, hidden, [dropout,]
 * logits, softmax ('embeddingDropout' with dropoutKind 'spatial1d', 'dropout' otherwise). */
export function textCnn(
  options: TextModelOptions & { filters?: number; kernelSize?: number; hidden?: number },
): Classifier {
  checkText('textCnn', options);
  const seeds = new InitSeeds(options.seed ?? 0);
  const layers: NamedLayer[] = [
    { name: 'embedding', layer: embedding(seeds, options) },
    ...sequenceDropout(seeds, options),
    {
      name: 'conv',
      layer: tf.layers.conv1d({
        filters: options.filters ?? 128,
        kernelSize: options.kernelSize ?? 5,
        activation: 'relu',
        kernelInitializer: seeds.glorot('conv'),
      }),
    },
    { name: 'pool', layer: tf.layers.globalMaxPooling1d({}) },
    { name: 'hidden', layer: dense(seeds, 'hidden', options.hidden ?? 64, 'relu') },
    ...headDropout(seeds, 'dropout', options),
  ];
  layers.push({ name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 2)) });
  return new Classifier('textCnn', [options.sequenceLength], layers, {
    inputDtype: 'int32',
    penultimate: 'hidden',
  });
}

/** Embedding, GRU (units, last state), [dropout,] logits. Activations: embedding,
 * [embeddingDropout,] gru, [dropout,] logits, softmax (as textCnn's). The recurrent kernel starts
 * orthogonal, as in Keras. */
export function textGru(options: TextModelOptions & { units?: number }): Classifier {
  checkText('textGru', options);
  const seeds = new InitSeeds(options.seed ?? 0);
  const units = options.units ?? 64;
  const gru = tf.layers.gru({
    units,
    kernelInitializer: seeds.glorot('gru'),
    recurrentInitializer: 'zeros',
  });
  const layers: NamedLayer[] = [
    { name: 'embedding', layer: embedding(seeds, options) },
    ...sequenceDropout(seeds, options),
    { name: 'gru', layer: gru },
    ...headDropout(seeds, 'dropout', options),
  ];
  layers.push({ name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 2)) });
  const model = new Classifier('textGru', [options.sequenceLength], layers, {
    inputDtype: 'int32',
    penultimate: 'gru',
  });
  // Weights exist once the chain is built: [kernel, recurrentKernel, bias]. setWeights assigns, and
  // assigning a variable its own tensor would free it: pass copies.
  const [kernel, , bias] = gru.getWeights().map((w) => tf.clone(w));
  const orthogonal = seeds.orthogonal('gru', units, 3 * units);
  gru.setWeights([kernel, orthogonal, bias]);
  tf.dispose([kernel, orthogonal, bias]);
  return model;
}

export interface TextBagOptions extends TextModelOptions {
  /** Widths of the fully connected layers L1..Lk (ReLU), e.g. [256, 128, 64]. */
  hidden: readonly number[];
}

/** Bag of embeddings: embedding (pad tokens, id PAD_ID, embed to 0), the mean over the real
 * tokens, then fully connected ReLU layers L1..Lk and the logits; dropout after each Li, or
 * spatial dropout on the embedding sequence. Activations: embedding, [embeddingDropout,] pool, L1,
 * [dropout1,] ..., Lk, [dropoutk,] logits, softmax (penultimate: Lk, or pool with no hidden). */
export function textBag(options: TextBagOptions): Classifier {
  checkText('textBag', options);
  if (options.hidden.some((w) => !Number.isInteger(w) || w < 1)) {
    inputError(`textBag: hidden widths must be positive integers, got [${options.hidden}]`);
  }
  const seeds = new InitSeeds(options.seed ?? 0);
  const embedding = new PadMaskedEmbedding(
    options.vocabularySize,
    options.embeddingDim ?? 64,
    seeds.uniform('embedding', 0.05),
  );
  const layers: NamedLayer[] = [
    { name: 'embedding', layer: embedding },
    ...sequenceDropout(seeds, options),
    { name: 'pool', layer: new MaskedMeanPool({}) },
  ];
  options.hidden.forEach((units, i) => {
    layers.push({ name: `L${i + 1}`, layer: dense(seeds, `L${i + 1}`, units, 'relu') });
    layers.push(...headDropout(seeds, `dropout${i + 1}`, options));
  });
  layers.push({ name: 'logits', layer: dense(seeds, 'logits', classesOf(options, 2)) });
  const k = options.hidden.length;
  return new Classifier('textBag', [options.sequenceLength], layers, {
    inputDtype: 'int32',
    penultimate: k ? `L${k}` : 'pool',
  });
}

function dense(
  seeds: InitSeeds,
  name: string,
  units: number,
  activation?: HiddenActivation,
): tf.layers.Layer {
  return tf.layers.dense({
    units,
    activation,
    kernelInitializer: seeds.glorot(name),
    name: uniqueName(name),
  });
}

function conv(
  seeds: InitSeeds,
  name: string,
  filters: number,
  kernelSize: number,
): tf.layers.Layer {
  return tf.layers.conv2d({
    filters,
    kernelSize,
    activation: 'relu',
    padding: 'valid',
    kernelInitializer: seeds.glorot(name),
    name: uniqueName(name),
  });
}

function embedding(seeds: InitSeeds, o: TextModelOptions): tf.layers.Layer {
  return tf.layers.embedding({
    inputDim: o.vocabularySize,
    outputDim: o.embeddingDim ?? 64,
    embeddingsInitializer: seeds.uniform('embedding', 0.05),
  });
}

function dropout(seeds: InitSeeds, name: string, rate: number, kind: DropoutKind): NamedLayer {
  return { name, layer: stepDropoutLayer(kind, rate, seeds.salt(name)) };
}

/** The dropout kind of a model without a sequence: spatial dropout has nothing to act on. */
function denseDropoutKind(model: string, o: DropoutOptions): DropoutKind {
  const kind = o.dropoutKind ?? 'dropout';
  if (kind === 'spatial1d')
    inputError(`${model}: dropoutKind 'spatial1d' needs a sequence (a text model)`);
  return kind;
}

/** Spatial dropout on a text model's embedding sequence, when that is the kind asked for. */
function sequenceDropout(seeds: InitSeeds, o: DropoutOptions): NamedLayer[] {
  if (!o.dropout || o.dropoutKind !== 'spatial1d') return [];
  return [dropout(seeds, 'embeddingDropout', o.dropout, 'spatial1d')];
}

/** Any other kind of dropout in a text model's head. */
function headDropout(seeds: InitSeeds, name: string, o: DropoutOptions): NamedLayer[] {
  if (!o.dropout || o.dropoutKind === 'spatial1d') return [];
  return [dropout(seeds, name, o.dropout, o.dropoutKind ?? 'dropout')];
}

let nameCounter = 0;
/** tf.layers names must be unique per model; readable prefixes help model.summary(). */
function uniqueName(name: string): string {
  return `${name}_${++nameCounter}`;
}

function classesOf(options: ModelOptions, fallback: number): number {
  const classes = options.classes ?? fallback;
  if (!Number.isInteger(classes) || classes < 2)
    inputError(`classes must be an integer >= 2, got ${classes}`);
  return classes;
}

function checkShape(model: string, shape: number[]): void {
  if (shape.length < 1 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    inputError(`${model}: inputShape must be positive integers, got [${shape}]`);
  }
}

function checkImageShape(model: string, shape: number[]): void {
  checkShape(model, shape);
  if (shape.length !== 3)
    inputError(`${model}: inputShape must be [height, width, channels], got [${shape}]`);
}

function checkText(model: string, o: TextModelOptions): void {
  if (!Number.isInteger(o.vocabularySize) || o.vocabularySize < 2) {
    inputError(`${model}: vocabularySize must be an integer >= 2, got ${o.vocabularySize}`);
  }
  if (!Number.isInteger(o.sequenceLength) || o.sequenceLength < 1) {
    inputError(`${model}: sequenceLength must be a positive integer, got ${o.sequenceLength}`);
  }
}
