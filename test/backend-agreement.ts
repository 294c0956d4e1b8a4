// The same computation on the wasm backend and on the pure-JS cpu backend (every backend's
// reference), on the same random inputs: outputs must agree to float32 accuracy, never be NaN, and
// leave no tensor and no backend buffer behind on either backend.
import assert from 'node:assert/strict';
import { Rng, tf } from 'milab';

export type Inputs = Record<
  string,
  { shape: number[]; dtype?: 'float32' | 'int32'; ints?: number }
>;
export type Compute = (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[];

const rng = new Rng(20240611);

/** Random values for each input (normals, or integers in [0, ints) for index inputs). */
function draw(inputs: Inputs): Record<string, Float32Array | Int32Array> {
  const out: Record<string, Float32Array | Int32Array> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'int32') {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = rng.int(spec.ints ?? 2);
      out[name] = v;
    } else {
      out[name] = rng.normals(n);
    }
  }
  return out;
}

async function runOn(
  backend: 'wasm' | 'cpu',
  inputs: Inputs,
  values: Record<string, Float32Array | Int32Array>,
  f: Compute,
) {
  await tf.setBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const heapBefore = tf.engine().backend.numDataIds();
  const t: Record<string, tf.Tensor> = {};
  for (const [name, spec] of Object.entries(inputs))
    t[name] = tf.tensor(values[name], spec.shape, spec.dtype ?? 'float32');
  const result = tf.tidy(() => f(t));
  const outputs = Array.isArray(result) ? result : [result];
  const data = outputs.map((o) => ({ shape: o.shape, values: Float64Array.from(o.dataSync()) }));
  tf.dispose(outputs);
  tf.dispose(Object.values(t));
  assert.equal(tf.memory().numTensors, tensorsBefore, `${backend}: tensors leaked`);
  assert.equal(tf.engine().backend.numDataIds(), heapBefore, `${backend}: backend buffers leaked`);
  return data;
}

export interface AgreeOptions {
  /** Relative to the largest value, times sqrt(size + 1). */
  tolerance?: number;
  /** Accept outputs that are empty or all zeros (an empty product's). */
  zeros?: boolean;
}

/** Run f on wasm and on cpu with the same random inputs; outputs must match. Ends on wasm. */
export async function agree(
  label: string,
  inputs: Inputs,
  f: Compute,
  options: AgreeOptions = {},
): Promise<void> {
  const tolerance = options.tolerance ?? 2e-5;
  const values = draw(inputs);
  const wasm = await runOn('wasm', inputs, values, f);
  const cpu = await runOn('cpu', inputs, values, f);
  await tf.setBackend('wasm');
  assert.equal(wasm.length, cpu.length, label);
  for (let o = 0; o < cpu.length; o++) {
    assert.deepEqual(wasm[o].shape, cpu[o].shape, `${label}: output ${o} shape`);
    let scale = 0;
    let err = 0;
    for (let i = 0; i < cpu[o].values.length; i++) {
      const w = wasm[o].values[i];
      assert.ok(Number.isFinite(w), `${label}: output ${o} has a non-finite value at ${i}`);
      scale = Math.max(scale, Math.abs(cpu[o].values[i]));
      err = Math.max(err, Math.abs(w - cpu[o].values[i]));
    }
    if (options.zeros) {
      assert.equal(err, 0, `${label}: output ${o} should be exact zeros`);
      continue;
    }
    assert.ok(scale > 0, `${label}: output ${o} is all zeros (the check would be vacuous)`);
    assert.ok(
      err <= tolerance * scale * Math.sqrt(cpu[o].values.length + 1),
      `${label}: output ${o} max abs error ${err.toExponential(2)} ` +
        `vs scale ${scale.toExponential(2)}`,
    );
  }
}
