// The benchmark workloads (bench/workloads.ts) keep the tensor count and the wasm heap's buffer
// count flat step after step (the bench checks 1,000-step runs; a few dozen steps here keep CI
// quick), and their values are sane.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tf, useBackend } from 'milab';
import { createWorkload, WorkloadName } from '../bench/workloads';

test.before(async () => {
  await useBackend({ quiet: true });
});

const STEPS: Record<WorkloadName, number> = { mine: 40, lenet: 15, ksg: 2, bnn: 10 };

for (const name of Object.keys(STEPS) as WorkloadName[]) {
  test(`${name}: tensor and buffer counts stay flat over ${STEPS[name]} steps`, () => {
    const workload = createWorkload(name, 1);
    const read = (v: tf.Scalar | number) => {
      if (typeof v === 'number') return v;
      const value = v.dataSync()[0];
      v.dispose();
      return value;
    };
    for (let i = 0; i < 3; i++) read(workload.step());
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    let last = NaN;
    for (let i = 0; i < STEPS[name]; i++) last = read(workload.step());
    assert.equal(tf.memory().numTensors, tensors, 'tensor count changed');
    assert.equal(tf.engine().backend.numDataIds(), buffers, 'backend buffer count changed');
    assert.ok(Number.isFinite(last), `last value ${last}`);
    if (name === 'ksg') assert.ok(Math.abs(last - 0.83) < 0.05, `KSG estimate ${last} vs 0.830`);
    if (name === 'mine')
      assert.ok(last > 0.5, `DV estimate after ${STEPS[name] + 3} steps: ${last}`);
    workload.dispose();
  });
}
