// The information-plane recorder and its measurers on a classifier whose measured layer is a fixed
// identity (non-trainable), so that every binned and kernel quantity is computable by hand: 8
// points of the unit square falling two by two into the 4 cells of a 2 x 2 grid. Also: the entries'
// order and JSON shape, a custom measurer, MINE warm-started across epochs, errors, and no tensor
// left behind. A few seconds.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  Classifier,
  MilabInputError,
  binningMeasurer,
  kdeMeasurer,
  minePlaneMeasurer,
  recordInformationPlane,
  referencesMeasurer,
  statisticsNetworkSpec,
  tf,
  useBackend,
  type PlaneMeasurer,
  type RecorderConfig,
  type RecorderData,
} from 'milab';

before(async () => {
  await useBackend({ quiet: true });
});

// Cells (floor(2x), floor(2y)): (0,0) (0,0) (1,0) (1,0) (0,1) (0,1) (1,1) (1,1); no value on a cell
// edge, and the layer's own range [0.1, 0.9] has its midpoint at 0.5 too.
const POINTS = [
  [0.1, 0.1],
  [0.2, 0.3],
  [0.6, 0.1],
  [0.7, 0.2],
  [0.1, 0.6],
  [0.3, 0.9],
  [0.6, 0.6],
  [0.9, 0.8],
];
/** The label is the cell's column: T determines Y, so I(T;Y) = H(Y) = log 2. */
const BY_COLUMN = [0, 0, 1, 1, 0, 0, 1, 1];
/** Each cell holds one of each label: I(T;Y) = 0. */
const MIXED = [0, 1, 0, 1, 0, 1, 0, 1];

/** x -> identity (frozen, activation 'fixed') -> 2 logits. */
function identityNet(): Classifier {
  const identity = tf.layers.dense({
    units: 2,
    useBias: false,
    kernelInitializer: 'identity',
    trainable: false,
    inputShape: [2],
  });
  const logits = tf.layers.dense({
    units: 2,
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
  });
  return new Classifier(
    'identity',
    [2],
    [
      { name: 'fixed', layer: identity },
      { name: 'out', layer: logits },
    ],
  );
}

function squareData(labels: number[]): RecorderData & { dispose(): void } {
  const x = tf.tensor2d(POINTS);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 2).toFloat());
  return {
    train: { x, y },
    test: { x, y },
    evaluation: { x, labels },
    dispose: () => tf.dispose([x, y]),
  };
}

const base = (measurers: PlaneMeasurer[]): RecorderConfig => ({
  seed: 1,
  epochs: 2,
  measureAt: [0, 1],
  layers: ['fixed'],
  batchSize: 4,
  optimizer: { name: 'sgd', learningRate: 0.1 },
  measurers,
});

async function record(
  labels: number[],
  measurers: PlaneMeasurer[],
  over: Partial<RecorderConfig> = {},
) {
  const data = squareData(labels);
  const model = identityNet();
  try {
    return await recordInformationPlane(model, data, { ...base(measurers), ...over });
  } finally {
    model.dispose();
    data.dispose();
  }
}

const close = (a: number | null, b: number, what: string, tol = 1e-9) =>
  assert.ok(a !== null && Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);

test('binning, fixed range and fixed bin size: I(X;T) = log 4 (4 cells of 2), I(T;Y) = log 2 or 0 by hand', async () => {
  const before = tf.memory().numTensors;
  const measurers = () => [
    binningMeasurer({ name: 'own range', bins: 2 }),
    binningMeasurer({ name: 'range [0, 1]', bins: 2, range: [0, 1] }),
    binningMeasurer({ name: 'size 0.5', binSize: 0.5 }),
    // One bin of width 1 holds everything: H(T) = 0.
    binningMeasurer({ name: 'size 1', binSize: 1 }),
  ];
  for (const [labels, ity] of [
    [BY_COLUMN, Math.log(2)],
    [MIXED, 0],
  ] as const) {
    const r = await record([...labels], measurers());
    assert.equal(r.entries.length, 8, 'two epochs x one layer x four measurers');
    for (const e of r.entries.filter((x) => x.measurer !== 'size 1')) {
      close(e.ixt, Math.log(4), `${e.measurer} I(X;T)`);
      close(e.ity, ity, `${e.measurer} I(T;Y)`);
      assert.equal(e.details.distinctT, 4);
    }
    for (const e of r.entries.filter((x) => x.measurer === 'size 1')) {
      close(e.ixt, 0, 'one bin');
      close(e.ity, 0, 'one bin');
    }
  }
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('the recording: accuracy and loss per epoch, entries by epoch, layer, measurer, as plain JSON', async () => {
  const r = await record(
    BY_COLUMN,
    [
      binningMeasurer({ name: 'a', bins: 2 }),
      binningMeasurer({ name: 'b', binSize: 0.5, epochs: [1] }),
    ],
    {
      layers: ['fixed', 'logits'],
    },
  );
  assert.equal(r.accuracy.length, 2);
  assert.equal(r.loss.length, 2);
  assert.deepEqual(
    r.entries.map((e) => `${e.epoch}:${e.layer}:${e.measurer}`),
    ['0:fixed:a', '0:logits:a', '1:fixed:a', '1:fixed:b', '1:logits:a', '1:logits:b'],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON');
});

test('KDE: with noise far below the distances every point is its own component (log 8); the labels give H(Y)', async () => {
  const r = await record(
    BY_COLUMN,
    [kdeMeasurer({ noiseSigma: 1e-3 }), kdeMeasurer({ name: 'wide', noiseSigma: 100, rows: 6 })],
    {
      measureAt: [1],
    },
  );
  const [sharp, wide] = r.entries;
  close(sharp.ixt, Math.log(8), 'upper bound', 1e-6);
  close(sharp.details.lower as number, Math.log(8), 'lower bound', 1e-6);
  close(sharp.ity, Math.log(2), 'I(T;Y)', 1e-6);
  // Noise far above the distances: nothing gets through.
  assert.ok(
    (wide.ixt as number) < 1e-3 && (wide.ity as number) < 1e-3,
    `wide: ${wide.ixt}, ${wide.ity}`,
  );
  assert.equal(wide.details.rows, 6);
});

test('a custom measurer sees the flattened layer and its context; references and MINE measure, warm start included', async () => {
  const before = tf.memory().numTensors;
  const seen: string[] = [];
  let disposed = 0;
  const custom: PlaneMeasurer = {
    name: 'custom',
    appliesTo: (epoch) => epoch === 1,
    async measure(activations, context) {
      seen.push(
        `${context.epoch}:${context.layer}:[${activations.shape}]:[${context.shape}]:${context.labels.length}/${context.classes}`,
      );
      return { ixt: 1, ity: NaN, note: 'kept' };
    },
    dispose: () => disposed++,
  };
  const mine = minePlaneMeasurer({
    name: 'MINE',
    spec: statisticsNetworkSpec('concat', 4, 0.3),
    seed: 2,
    warmStart: true,
    variables: ['Y'],
    measure: { epochs: 2, minEpochs: 1, batchSize: 4, heldOut: 0.25 },
  });
  const r = await record(BY_COLUMN, [
    custom,
    referencesMeasurer({ noiseSigma: 0.3, kdeRows: 8 }),
    mine,
  ]);
  assert.deepEqual(seen, ['1:fixed:[8,2]:[2]:8/2']);
  assert.equal(disposed, 1, 'the recorder disposes its measurers');
  const c = r.entries.find((e) => e.measurer === 'custom');
  assert.deepEqual([c?.ixt, c?.ity, c?.details], [1, null, { note: 'kept' }]);
  const refs = r.entries.filter((e) => e.measurer === 'references σ=0.3');
  assert.equal(refs.length, 2);
  close(
    refs[0].details.binnedIxt as number,
    Math.log(8),
    'binned references (30 bins: every point its own symbol)',
  );
  const runs = r.entries.filter((e) => e.measurer === 'MINE');
  assert.equal(runs.length, 2);
  for (const e of runs) {
    const run = (e.details.runs as { Y: { value: number | null; curve: unknown[] } }).Y;
    assert.equal(e.ixt, null, 'X is not measured');
    assert.equal(e.ity, run.value);
    assert.ok(run.curve.length >= 1);
    assert.equal((e.details.runs as { X?: unknown }).X, undefined);
  }
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
});

test('errors are one-line input errors, and the measurers are disposed even then', async () => {
  let disposed = 0;
  const m = (): PlaneMeasurer => ({
    name: 'm',
    measure: async () => ({}),
    dispose: () => disposed++,
  });
  await assert.rejects(
    record(BY_COLUMN, [m()], { layers: ['conv9'] }),
    /has no activation 'conv9'/,
  );
  await assert.rejects(record(BY_COLUMN, [m()], { measureAt: [2] }), /epoch 2 is outside 0..1/);
  await assert.rejects(record(BY_COLUMN, [m(), m()]), /measurer names must be unique/);
  await assert.rejects(
    record(BY_COLUMN, [m()], { optimizer: { name: 'adagrad' as never, learningRate: 1 } }),
    /one of sgd, momentum, adam, rmsprop; got 'adagrad'/,
  );
  assert.equal(disposed, 5);
  assert.throws(() => binningMeasurer({ binSize: 0 }), MilabInputError);
  assert.throws(() => binningMeasurer({ binSize: 1, bins: 3 } as never), /not both/);
  assert.throws(() => kdeMeasurer({ noiseSigma: 0 }), /needs noise/);
  assert.throws(() => minePlaneMeasurer({ name: 'x', variables: ['Z'] } as never), /X and\/or Y/);
});
