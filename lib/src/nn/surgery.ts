// Network surgery on a Classifier: copy it, remove units of a dense layer, re-initialise them, or
// insert a layer. Each operation returns a NEW Classifier (the original is untouched) with the same
// activation names and penultimate layer, so trainClassifier and the MI measurements work on it as
// on the original. Units keep their order: unit j of the result is the j-th kept unit of the
// original, with its own bias and outgoing weights.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { Classifier, NamedLayer } from './classifier';
import { StepSeededLayer } from './layers';
import { SubsetDropout, UnitMask } from './unit-masks';

/** A copy with its own weights (equal to the original's) and the same dropout salts. */
export function cloneClassifier(model: Classifier): Classifier {
  return rebuild(model, model.layers.map(copyNamed));
}

/** `layer` inserted after the layer named `after` (e.g. a UnitMask or SubsetDropout after a dense
 * layer); the copy's weights equal the original's. */
export function insertLayerAfter(model: Classifier, after: string, layer: NamedLayer): Classifier {
  const at = layerIndex(model, after);
  if (after === 'logits') inputError('a layer cannot be inserted after the logits');
  const layers = model.layers.map(copyNamed);
  layers.splice(at + 1, 0, layer);
  return rebuild(model, layers, (i) => (i <= at ? i : i === at + 1 ? null : i - 1));
}

/**
 * The classifier without the units of dense layer `layerName` that are not in `keep`: the layer's
 * kernel columns and biases of the kept units, and the matching input rows of the next dense layer
 * (its outputs are then exactly those of the original with the removed units' activations set to
 * 0). Layers in between must act unit by unit: dropout, UnitMask (sliced) and SubsetDropout
 * (renumbered) are.
 */
export function pruneDenseUnits(
  model: Classifier,
  layerName: string,
  keep: readonly number[],
): Classifier {
  const { at, next, units } = denseAndNext(model, layerName);
  const kept = checkUnits(keep, units, 'keep');
  if (kept.length === 0) inputError(`pruneDenseUnits: keep at least one unit of '${layerName}'`);
  const position = new Map(kept.map((u, j) => [u, j]));
  const layers = model.layers.map((named, i) => {
    if (i === at) return { name: named.name, layer: denseCopy(named.layer, kept.length) };
    if (i <= at || i >= next) return copyNamed(named);
    const { layer } = named;
    if (layer instanceof UnitMask)
      return { name: named.name, layer: new UnitMask(kept.map((u) => layer.keep[u])) };
    if (layer instanceof SubsetDropout) {
      const units = layer.units.filter((u) => position.has(u)).map((u) => position.get(u)!);
      return { name: named.name, layer: new SubsetDropout(units, layer.rate, layer.salt) };
    }
    return copyNamed(named);
  });
  const index = tf.tensor1d(Int32Array.from(kept), 'int32');
  try {
    return rebuild(model, layers, (i) => i, {
      [at]: ([kernel, bias]) => [
        tf.gather(kernel, index, 1),
        ...(bias ? [tf.gather(bias, index)] : []),
      ],
      [next]: ([kernel, ...rest]) => [tf.gather(kernel, index, 0), ...rest.map((w) => tf.clone(w))],
    });
  } finally {
    index.dispose();
  }
}

export interface ReinitOptions {
  /** Incoming weights: 'glorot' (default; Glorot-uniform over the layer's fan-in and fan-out, the
   * builders' initialiser) or 'normal' (N(0, normalSd^2), as some published code draws). */
  init?: 'glorot' | 'normal';
  /** Standard deviation for init 'normal' (default 0.01). */
  normalSd?: number;
  /** The units' outgoing weights (the next dense layer's rows): 'keep' (default), so a fresh unit
   * feeds the trained layer above as the old one did; or 'zero', so the re-initialised units start
   * with no effect on the output (which then equals the pruned network's) and gain one by
   * training. */
  outgoing?: 'keep' | 'zero';
}

/** The classifier with the given units of dense layer `layerName` re-initialised (kernel columns
 * drawn afresh from `seed`, biases 0); every other weight, and every other unit's output, is
 * exactly the original's. */
export function reinitDenseUnits(
  model: Classifier,
  layerName: string,
  units: readonly number[],
  seed: number,
  options: ReinitOptions = {},
): Classifier {
  const { at, next, units: width } = denseAndNext(model, layerName);
  const chosen = checkUnits(units, width, 'units');
  const init = options.init ?? 'glorot';
  if (init !== 'glorot' && init !== 'normal')
    inputError(`init must be 'glorot' or 'normal', got ${JSON.stringify(init)}`);
  const normalSd = options.normalSd ?? 0.01;
  if (!(normalSd > 0)) inputError(`normalSd must be positive, got ${normalSd}`);
  const outgoing = options.outgoing ?? 'keep';
  if (outgoing !== 'keep' && outgoing !== 'zero')
    inputError(`outgoing must be 'keep' or 'zero', got ${JSON.stringify(outgoing)}`);
  // The draws and masks are built on the JS side and merged on the device with tf.where (exact,
  // and no read-back: a GPU backend has no synchronous read).
  const replaceColumns = (kernel: tf.Tensor): tf.Tensor => {
    const [fanIn, fanOut] = kernel.shape;
    const draws = new Float32Array(fanIn * fanOut);
    const mask = new Uint8Array(fanIn * fanOut);
    const rng = new Rng(seed).fork('reinit');
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (const u of chosen) {
      for (let r = 0; r < fanIn; r++) {
        const draw = init === 'glorot' ? (2 * rng.uniform() - 1) * limit : normalSd * rng.normal();
        draws[r * fanOut + u] = draw;
        mask[r * fanOut + u] = 1;
      }
    }
    return tf.tidy(() =>
      tf.where(
        tf.tensor2d(mask, [fanIn, fanOut], 'bool'),
        tf.tensor2d(draws, [fanIn, fanOut]),
        kernel,
      ),
    );
  };
  // Zeroes unit u's entries of a bias [units] (stride 1) or a next-layer kernel [units, out].
  const zeroAt = (w: tf.Tensor, stride: number): tf.Tensor => {
    const keep = new Uint8Array(w.size).fill(1);
    for (const u of chosen) for (let c = 0; c < stride; c++) keep[u * stride + c] = 0;
    return tf.tidy(() => tf.where(tf.tensor(keep, w.shape, 'bool'), w, tf.zerosLike(w)));
  };
  return rebuild(model, model.layers.map(copyNamed), (i) => i, {
    [at]: ([kernel, bias]) => [replaceColumns(kernel), ...(bias ? [zeroAt(bias, 1)] : [])],
    [next]: ([kernel, ...rest]) => [
      outgoing === 'zero' ? zeroAt(kernel, kernel.shape[1]!) : tf.clone(kernel),
      ...rest.map((w) => tf.clone(w)),
    ],
  });
}

type WeightMap = (weights: tf.Tensor[]) => tf.Tensor[];

/** A Classifier like `model` from `layers`; layer i takes the weights of the original's layer
 * `source(i)` (none when null), passed through `change[i]` when given. */
function rebuild(
  model: Classifier,
  layers: NamedLayer[],
  source: (i: number) => number | null = (i) => i,
  change: Record<number, WeightMap> = {},
): Classifier {
  const result = new Classifier(model.name, model.inputShape, layers, {
    inputDtype: model.inputDtype,
    penultimate: model.penultimate,
  });
  const original = model.layers;
  layers.forEach(({ layer }, i) => {
    const from = source(i);
    if (from === null) return;
    const weights = original[from].layer.getWeights();
    if (weights.length === 0) return;
    // Copies: assigning a variable another variable's tensor would tie their lifetimes.
    const values = tf.tidy(() => (change[from] ?? ((w) => w.map((t) => tf.clone(t))))(weights));
    layer.setWeights(values);
    tf.dispose(values);
  });
  return result;
}

function copyNamed({ name, layer }: NamedLayer): NamedLayer {
  return { name, layer: copyLayer(layer) };
}

/** A new layer of the same configuration (weights are set afterwards). */
function copyLayer(layer: tf.layers.Layer): tf.layers.Layer {
  const own = layer as Partial<{ copy(): tf.layers.Layer }>;
  if (typeof own.copy === 'function') return own.copy();
  return fromConfig(layer, {});
}

function denseCopy(layer: tf.layers.Layer, units: number): tf.layers.Layer {
  return fromConfig(layer, { units });
}

function fromConfig(layer: tf.layers.Layer, overrides: tf.serialization.ConfigDict) {
  const cls = layer.constructor as tf.serialization.SerializableConstructor<tf.layers.Layer>;
  // Without the name: tf.layers names a copy afresh, so two models never share a layer name.
  const { name: _name, ...config } = layer.getConfig();
  void _name;
  return cls.fromConfig(cls, { ...config, ...overrides });
}

function layerIndex(model: Classifier, name: string): number {
  const at = model.layers.findIndex((l) => l.name === name);
  if (at < 0)
    inputError(`no layer named '${name}'; layers: ${model.layers.map((l) => l.name).join(', ')}`);
  return at;
}

const isDense = (layer: tf.layers.Layer) => layer.getClassName() === 'Dense';

/** The dense layer `name`, its width, and the next dense layer, with only unit-wise layers
 * between them. */
function denseAndNext(model: Classifier, name: string) {
  const at = layerIndex(model, name);
  const { layer } = model.layers[at];
  if (!isDense(layer))
    inputError(`layer '${name}' is a ${layer.getClassName()}, not a dense layer`);
  if (name === 'logits') inputError("the logits' units are the classes: they cannot be changed");
  for (let next = at + 1; next < model.layers.length; next++) {
    const between = model.layers[next];
    if (isDense(between.layer)) return { at, next, units: Number(layer.getConfig().units) };
    const unitWise = between.layer instanceof StepSeededLayer || between.layer instanceof UnitMask;
    if (!unitWise) {
      inputError(
        `layer '${between.name}' (${between.layer.getClassName()}) between '${name}' and the ` +
          'next dense layer does not act unit by unit',
      );
    }
  }
  throw new Error(`'${name}' has no dense layer after it, though the logits are one`);
}

/** Distinct unit indices below `units`, in increasing order. */
function checkUnits(list: readonly number[], units: number, what: string): number[] {
  for (const u of list) {
    if (!Number.isInteger(u) || u < 0 || u >= units)
      inputError(`${what}: unit ${u} is not an index in 0..${units - 1}`);
  }
  if (new Set(list).size !== list.length) inputError(`${what} must not repeat a unit`);
  return [...list].sort((a, b) => a - b);
}
