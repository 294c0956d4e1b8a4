// From the paper's records to verdicts: summaries over seeds, ordering verdicts from bands, Table 2
// outcomes against the references, epochs to converge, and the paper's statistics networks. Pure
// functions on hand-made records: no training here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, mineLenet, outcomeCriterion, type LayerReferences } from 'milab';

const {
  convergenceEpochs,
  estimatesByEpoch,
  orderingVerdict,
  outcomeCounts,
  planePoints,
  referenceByEpoch,
  runOutcome,
} = mineLenet;
type PlaneRecord = mineLenet.PlaneRecord;
type PlaneRun = mineLenet.PlaneRun;

const refs = (over: Partial<LayerReferences> = {}): LayerReferences => ({
  kdeRows: 100,
  noiseSigma: 0.2,
  kdeLower: 2,
  kdeUpper: 3,
  kdeIty: 2,
  binnedIxt: 4.6,
  binnedIty: 2.3,
  logN: Math.log(100),
  labelEntropy: Math.log(10),
  channelCeiling: 12.5,
  ...over,
});

const run = (over: Partial<PlaneRun>): PlaneRun => ({
  epoch: 0,
  layer: 'relu3',
  variable: 'X',
  name: 'MINE h=20',
  noiseSigma: 0.2,
  value: 1,
  curve: [],
  stopReason: 'plateau',
  seconds: 1,
  ...over,
});

function record(seed: number, values: Record<string, number>): PlaneRecord {
  // values: 'X|relu3|0' -> estimate
  const runs = Object.entries(values).map(([key, value]) => {
    const [variable, layer, epoch] = key.split('|');
    return run({
      variable: variable as 'X' | 'Y',
      layer,
      epoch: Number(epoch),
      value,
      curve: Array(8).fill(value),
    });
  });
  const references = [...new Set(runs.map((r) => `${r.epoch}|${r.layer}`))].map((k) => {
    const [epoch, layer] = k.split('|');
    return { epoch: Number(epoch), layer, ...refs({ kdeUpper: 3 + seed / 10 }) };
  });
  return {
    seed,
    noiseSigma: 0.2,
    accuracy: [0.5],
    loss: [1],
    references,
    runs,
    study: [],
    seconds: 1,
  };
}

test('estimatesByEpoch: a seed without a value (a diverged run) is skipped, not counted', () => {
  const records = [
    record(1, { 'X|relu3|0': 1 }),
    record(2, { 'X|relu3|0': 3 }),
    record(3, { 'X|relu3|0': 5 }),
  ];
  records[2].runs[0].value = null;
  assert.deepEqual(estimatesByEpoch(records, 'MINE h=20', 'X', 'relu3'), [
    { epoch: 0, mean: 2, sd: Math.SQRT2, n: 2 },
  ]);
  records[0].runs[0].value = null;
  records[1].runs[0].value = null;
  const none = estimatesByEpoch(records, 'MINE h=20', 'X', 'relu3')[0];
  assert.equal(none.n, 0);
  assert.ok(Number.isNaN(none.mean));
});

test('orderingVerdict: separated bands decide each epoch; one seed never decides', () => {
  const at = (epoch: number, mean: number, sd: number, n = 3) => ({ epoch, mean, sd, n });
  const a = [at(0, 5, 0.2), at(4, 5, 0.2), at(8, 4, 1)];
  const b = [at(0, 3, 0.2), at(4, 3, 0.2), at(8, 4.5, 1)];
  const holds = orderingVerdict(a, '>=', b, ['A', 'B']);
  assert.deepEqual([holds.holds, holds.reversed, holds.overlap], [[0, 4], [], [8]]);
  assert.equal(holds.verdict, 'reproduced');
  assert.match(holds.evidence, /e0: 5\.00±0\.20 vs 3\.00±0\.20/);
  const reversed = orderingVerdict(a, '<=', b, ['A', 'B']);
  assert.deepEqual(reversed.reversed, [0, 4]);
  assert.equal(reversed.verdict, 'not reproduced');
  const single = orderingVerdict([at(0, 5, 0, 1)], '>=', [at(0, 1, 0, 1)], ['A', 'B']);
  assert.equal(single.verdict, 'inconclusive');
  assert.equal(orderingVerdict([], '>=', [], ['A', 'B']).verdict, 'inconclusive');
});

test('estimatesByEpoch and planePoints: spread over seeds per epoch, one point per layer and epoch', () => {
  const records = [
    record(1, { 'X|relu3|0': 2, 'Y|relu3|0': 1, 'X|relu3|4': 3, 'Y|relu3|4': 1.5 }),
    record(2, { 'X|relu3|0': 4, 'Y|relu3|0': 1, 'X|relu3|4': 3, 'Y|relu3|4': 2.5 }),
  ];
  const x = estimatesByEpoch(records, 'MINE h=20', 'X', 'relu3');
  assert.deepEqual(
    x.map((p) => [p.epoch, p.mean, p.n]),
    [
      [0, 3, 2],
      [4, 3, 2],
    ],
  );
  const points = planePoints(
    ['relu3'],
    (v, layer) => estimatesByEpoch(records, 'MINE h=20', v, layer),
    { relu3: 'r3' },
  );
  assert.deepEqual(
    points.map((p) => [p.layer, p.epoch, p.ix, p.iy]),
    [
      ['r3', 0, 3, 1],
      ['r3', 4, 3, 2],
    ],
  );
  assert.ok(Math.abs((points[1].iySpread ?? 0) - Math.SQRT1_2) < 1e-12);
  const upper = referenceByEpoch(records, 'kdeUpper', 'relu3');
  assert.ok(Math.abs(upper[0].mean - 3.15) < 1e-12);
});

test('runOutcome: a run above H(Y) explodes, one far below the KDE lower bound is underestimated', () => {
  const r = record(1, { 'X|relu3|0': 0.5, 'Y|relu3|0': 3 });
  const [x, y] = r.runs;
  assert.equal(runOutcome(r, x).outcome, 'underestimated');
  assert.equal(runOutcome(r, y).outcome, 'exploded');
  const criterion = outcomeCriterion('X', 0, refs());
  assert.equal(criterion.upperLimit, Math.log(100));
  assert.equal(outcomeCriterion('X', 0.2, refs({ channelCeiling: 1 })).upperLimit, 1);
  assert.throws(() => outcomeCriterion('X', 0.5, refs()), /references computed at that noise/);
  assert.throws(() => runOutcome({ ...r, references: [] }, x), MilabInputError);
  assert.deepEqual(outcomeCounts(['exploded', 'converged', 'exploded']), {
    converged: 1,
    exploded: 2,
    underestimated: 0,
    'not converged': 0,
  });
});

test('convergenceEpochs: per seed, per measurement in epoch order', () => {
  const r = record(1, {});
  r.runs = [
    run({ name: 'warm', variable: 'Y', epoch: 4, curve: [1, 1, 1, 1] }),
    // Plateau 1, tolerance 0.05: 0.9 is not there yet, the 4th epoch is.
    run({ name: 'warm', variable: 'Y', epoch: 0, curve: [0.1, 0.5, 0.9, 1, 1, 1] }),
    run({ name: 'warm', variable: 'Y', epoch: 8, curve: [1, null, 1] }),
  ];
  assert.deepEqual(
    convergenceEpochs([r], 'warm', 'Y', 'relu3').map((xs) => xs.map(String)),
    [['4', '1', 'NaN']],
  );
});

test("the paper's statistics networks: six for the input, two for the target; noise only where the paper adds it", () => {
  const input = mineLenet.inputArchitectures(0.3);
  assert.deepEqual(
    input.map((s) => s.label),
    ['1', '1(2)', '1(3)', '2', '3', '3(2)'],
  );
  assert.deepEqual(
    input.map((s) => s.architecture),
    ['concat', 'concat', 'concat', 'conv-first', 'nonlinear-first', 'nonlinear-first'],
  );
  assert.deepEqual(
    input.map((s) => s.noiseSigma),
    [0, 0.3, 0.3, 0, 0, 0.3],
  );
  assert.equal(input.find((s) => s.label === '1(3)')?.hidden, 20);
  const target = mineLenet.targetArchitectures(0.3);
  assert.deepEqual(
    target.map((s) => [s.label, s.hidden, s.noiseSigma]),
    [
      ['1', 10, 0],
      ['1(3)', 100, 0.3],
    ],
  );
  // The key order is part of the stored runs' keys.
  assert.equal(
    JSON.stringify(mineLenet.planeArchitecture(20)),
    '{"label":"1(3) h=20","architecture":"concat","hidden":20,"noiseSigma":0.1}',
  );
});
