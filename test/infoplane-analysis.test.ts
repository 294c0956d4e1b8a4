// From records to verdicts and figures: spreads over seeds, ordering verdicts from bands, Table 2
// outcomes against the references, epochs to converge, and the Plotly figures' structure. Pure
// functions on hand-made records: no training here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MilabInputError, convergenceEpochs, estimatesByEpoch, informationPlaneFigure, orderingVerdict, outcomeCounts, outcomeCriterion,
  panelsFigure, planePoints, referenceByEpoch, runOutcome, spreadOf, type LayerReferences, type PlaneRecord, type PlaneRun,
} from 'milab';

const refs = (over: Partial<LayerReferences> = {}): LayerReferences => ({
  kdeRows: 100, noiseSigma: 0.2, kdeLower: 2, kdeUpper: 3, kdeIty: 2, binnedIxt: 4.6, binnedIty: 2.3, logN: Math.log(100),
  labelEntropy: Math.log(10), channelCeiling: 12.5, ...over,
});

const run = (over: Partial<PlaneRun>): PlaneRun => ({
  epoch: 0, layer: 'relu3', variable: 'X', name: 'MINE h=20', noiseSigma: 0.2, value: 1, curve: [], stopReason: 'plateau', seconds: 1, ...over,
});

function record(seed: number, values: Record<string, number>): PlaneRecord {
  // values: 'X|relu3|0' -> estimate
  const runs = Object.entries(values).map(([key, value]) => {
    const [variable, layer, epoch] = key.split('|');
    return run({ variable: variable as 'X' | 'Y', layer, epoch: Number(epoch), value, curve: Array(8).fill(value) });
  });
  const references = [...new Set(runs.map((r) => `${r.epoch}|${r.layer}`))].map((k) => {
    const [epoch, layer] = k.split('|');
    return { epoch: Number(epoch), layer, ...refs({ kdeUpper: 3 + seed / 10 }) };
  });
  return { seed, noiseSigma: 0.2, accuracy: [0.5], loss: [1], references, runs, study: [], seconds: 1 };
}

test('spreadOf: mean and sample sd of the finite values; nulls and NaN are skipped', () => {
  assert.deepEqual(spreadOf([1, 3, null, NaN]), { mean: 2, sd: Math.SQRT2, n: 2 });
  assert.deepEqual(spreadOf([5]), { mean: 5, sd: 0, n: 1 });
  assert.equal(spreadOf([null]).n, 0);
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
  const records = [record(1, { 'X|relu3|0': 2, 'Y|relu3|0': 1, 'X|relu3|4': 3, 'Y|relu3|4': 1.5 }), record(2, { 'X|relu3|0': 4, 'Y|relu3|0': 1, 'X|relu3|4': 3, 'Y|relu3|4': 2.5 })];
  const x = estimatesByEpoch(records, 'MINE h=20', 'X', 'relu3');
  assert.deepEqual(x.map((p) => [p.epoch, p.mean, p.n]), [[0, 3, 2], [4, 3, 2]]);
  const points = planePoints(records, ['relu3'], (v, layer) => estimatesByEpoch(records, 'MINE h=20', v, layer), { relu3: 'r3' });
  assert.deepEqual(points.map((p) => [p.layer, p.epoch, p.ix, p.iy]), [['r3', 0, 3, 1], ['r3', 4, 3, 2]]);
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
  assert.deepEqual(outcomeCounts(['exploded', 'converged', 'exploded']), { converged: 1, exploded: 2, underestimated: 0, 'not converged': 0 });
});

test('convergenceEpochs: per seed, per measurement in epoch order', () => {
  const r = record(1, {});
  r.runs = [
    run({ name: 'warm', variable: 'Y', epoch: 4, curve: [1, 1, 1, 1] }),
    // Plateau 1, tolerance 0.05: 0.9 is not there yet, the 4th epoch is.
    run({ name: 'warm', variable: 'Y', epoch: 0, curve: [0.1, 0.5, 0.9, 1, 1, 1] }),
    run({ name: 'warm', variable: 'Y', epoch: 8, curve: [1, null, 1] }),
  ];
  assert.deepEqual(convergenceEpochs([r], 'warm', 'Y', 'relu3').map((xs) => xs.map(String)), [['4', '1', 'NaN']]);
});

test('informationPlaneFigure: one path per layer in epoch order, epochs as labels, spreads as error bars', () => {
  const fig = informationPlaneFigure([
    { layer: 'relu3', epoch: 4, ix: 2, iy: 1, ixSpread: 0.1 },
    { layer: 'relu3', epoch: 0, ix: 3, iy: 0.5, ixSpread: 0.2 },
    { layer: 'sm1', epoch: 0, ix: NaN, iy: 0.4 },
  ]);
  assert.deepEqual(fig.data.map((t) => t.name), ['relu3', 'sm1']);
  assert.deepEqual(fig.data[0].x, [3, 2]);
  assert.deepEqual(fig.data[0].text, ['0', '4']);
  assert.deepEqual((fig.data[0].error_x as { array: number[] }).array, [0.2, 0.1]);
  assert.deepEqual(fig.data[1].x, [null], 'NaN becomes a gap');
  assert.throws(() => informationPlaneFigure([]), MilabInputError);
});

test('panelsFigure: a band trace under each banded line, axes per panel, one legend entry per series', () => {
  const fig = panelsFigure([
    { title: 'a', series: [{ name: 'MINE', y: [1, 2], band: [0.1, 0.2] }, { name: 'KDE', y: [3, 3], markers: true }] },
    { title: 'b', series: [{ name: 'MINE', x: [0, 4], y: [null, 2] }] },
  ]);
  assert.equal(fig.data.length, 4);
  assert.equal(fig.data[0].fill, 'toself');
  assert.deepEqual(fig.data[0].y, [1.1, 2.2, 1.8, 0.9]);
  assert.deepEqual(fig.data.filter((t) => t.showlegend).map((t) => t.name), ['MINE', 'KDE']);
  assert.equal(fig.data[3].xaxis, 'x2');
  assert.equal((fig.data[1].line as { color: string }).color !== (fig.data[2].line as { color: string }).color, true);
  assert.equal((fig.data[3].line as { color: string }).color, (fig.data[1].line as { color: string }).color, 'a series keeps its colour');
  assert.throws(() => panelsFigure([{ title: 'x', series: [{ name: 's', x: [1], y: [1, 2] }] }]), /1 x values but 2 y values/);
});
