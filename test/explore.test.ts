// Exploratory MI analysis of a user's table (lib/src/explore): the table reader, the correlation
// helpers and miMatrix, checked on synthetic columns whose MI is known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  completeRows,
  describeTable,
  estimate,
  gaussianMiFromCorrelation,
  knnLabelMi,
  miGiven,
  miMatrix,
  MilabInputError,
  pearson,
  ranks,
  Rng,
  sampleRows,
  spearman,
  tableFromCsv,
  tableFromRecords,
  tableRecords,
  type DataTable,
} from 'milab';
import { tableBundle } from 'milab/internal';

/** A table of numeric columns from plain arrays (NaN = missing). */
function numericTable(columns: Record<string, number[]>): DataTable {
  const names = Object.keys(columns);
  const rows = columns[names[0]].length;
  const records = Array.from({ length: rows }, (_, r) =>
    Object.fromEntries(
      names.map((name) => {
        const v = columns[name][r];
        return [name, Number.isNaN(v) ? null : v];
      }),
    ),
  );
  return tableFromRecords(records, 'synthetic');
}

test('pearson and spearman on known cases; ties get average ranks', () => {
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [2, 4, 6, 8]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [8, 6, 4, 2]) + 1) < 1e-12);
  // Monotone but not linear: Spearman is exactly 1, Pearson below it.
  const x = [1, 2, 3, 4, 5, 6];
  const cubed = x.map((v) => v ** 3);
  assert.equal(spearman(x, cubed), 1);
  assert.ok(pearson(x, cubed) < 0.95);
  assert.deepEqual(Array.from(ranks([10, 20, 20, 30])), [1, 2.5, 2.5, 4]);
  // A symmetric U: both correlations are exactly 0.
  const u = [-2, -1, 0, 1, 2];
  assert.ok(
    Math.abs(
      pearson(
        u,
        u.map((v) => v * v),
      ),
    ) < 1e-12,
  );
  assert.ok(
    Math.abs(
      spearman(
        u,
        u.map((v) => v * v),
      ),
    ) < 1e-12,
  );
  assert.throws(() => pearson([1, 2, 3], [1, 1, 1]), MilabInputError);
  assert.throws(() => pearson([1, NaN, 3], [1, 2, 3]), /drop missing rows first/);
  assert.throws(() => spearman([1, 2], [1, 2, 3]), MilabInputError);
  assert.ok(Math.abs(gaussianMiFromCorrelation(0.8) - -0.5 * Math.log(1 - 0.64)) < 1e-12);
});

test('tables from CSV and records: kinds, levels, missing cells, complete rows', () => {
  const csv = 'size,colour,weight\n1.5,red,10\nNA,blue,\n2.5,,12\n3,red,.\n';
  const table = tableFromCsv(csv, 'inline.csv');
  const [size, colour, weight] = table.columns;
  assert.equal(table.rows, 4);
  assert.equal(size.kind, 'numeric');
  assert.deepEqual(Array.from(size.values), [1.5, NaN, 2.5, 3]);
  assert.equal(colour.kind, 'categorical');
  assert.deepEqual(colour.levels, ['blue', 'red']);
  assert.deepEqual(Array.from(colour.values), [1, 0, NaN, 1]);
  assert.deepEqual([size.missing, colour.missing, weight.missing], [1, 1, 2]);
  const complete = completeRows(table, ['size', 'weight']);
  assert.equal(complete.table.rows, 2);
  assert.equal(complete.dropped, 2);
  assert.deepEqual(Array.from(complete.table.columns[1].values), [10, 12]);
  assert.deepEqual(tableRecords(table)[0], { size: 1.5, colour: 'red', weight: 10 });
  const coded = tableRecords(table, { codes: true });
  assert.deepEqual(coded[1], { size: null, colour: 0, weight: null });
  assert.equal(describeTable(table)[1]['range or levels'], 'blue, red');
  const records = tableFromRecords([{ a: 1, b: 'x' }, { a: null, b: 'y' }, { a: 3 }]);
  assert.deepEqual(Array.from(records.columns[0].values), [1, NaN, 3]);
  assert.deepEqual(Array.from(records.columns[1].values), [0, 1, NaN]);
  const unknown = /no column 'mass'.*columns: size, colour, weight/;
  assert.throws(() => completeRows(table, ['size', 'mass']), unknown);
  const sub = sampleRows(table, 2, 1);
  assert.equal(sub.rows, 2);
  assert.deepEqual(sampleRows(table, 2, 1), sub, 'the subset follows the seed');
});

test('miMatrix: an independent pair has MI near 0 and a high p-value', async () => {
  const rng = new Rng(11);
  const n = 600;
  const table = numericTable({
    a: Array.from({ length: n }, () => rng.normal()),
    b: Array.from({ length: n }, () => rng.normal()),
  });
  const { pairs } = await miMatrix(table, { resamples: 40, permutations: 49 });
  const [p] = pairs;
  assert.equal(p.estimator, 'ksg');
  assert.ok(Math.abs(p.mi) < 0.03, `MI ${p.mi}`);
  assert.ok(p.pValue! > 0.1, `p ${p.pValue}`);
  assert.ok(p.ciLow! <= 0.03 && p.ciHigh! >= -0.03, `CI [${p.ciLow}, ${p.ciHigh}]`);
});

test('miMatrix: a Gaussian pair matches the closed form, a U-shaped one beats r = 0', async () => {
  const rng = new Rng(12);
  const n = 2000;
  const rho = 0.8;
  const x = Array.from({ length: n }, () => rng.normal());
  const y = x.map((v) => rho * v + Math.sqrt(1 - rho * rho) * rng.normal());
  const u = x.map((v) => v * v + 0.3 * rng.normal());
  // A few missing cells in u only: the x-y pair keeps every row, the pairs with u drop them.
  const uMissing = u.map((v, i) => (i % 100 === 7 ? NaN : v));
  const table = numericTable({ x, y, u: uMissing });
  const result = await miMatrix(table, { resamples: 40, permutations: 19 });
  const pair = (a: string, b: string) => result.pairs.find((p) => p.x === a && p.y === b)!;
  const truth = -0.5 * Math.log(1 - rho * rho);
  const xy = pair('x', 'y');
  assert.equal(xy.n, n);
  assert.equal(xy.dropped, 0);
  assert.ok(Math.abs(xy.mi - truth) < 0.05, `ksg ${xy.mi} vs closed form ${truth}`);
  const ci = `CI [${xy.ciLow}, ${xy.ciHigh}]`;
  assert.ok(xy.ciLow! < truth && truth < xy.ciHigh!, `${ci} holds ${truth}`);
  assert.ok(Math.abs(xy.linearMi! - truth) < 0.05);
  const xu = pair('x', 'u');
  assert.equal(xu.n, n - 20);
  assert.equal(xu.dropped, 20);
  assert.ok(Math.abs(xu.pearson!) < 0.1, `pearson ${xu.pearson}`);
  assert.ok(xu.linearMi! < 0.01);
  assert.ok(xu.mi > 0.5, `MI ${xu.mi} of a U shape`);
  assert.equal(xu.pValue, 0.05, 'no shuffle reaches the observed MI: p = 1 / (19 + 1)');
  // The matrix is symmetric, blank on the diagonal, and drawn as one heatmap trace.
  assert.deepEqual(result.names, ['x', 'y', 'u']);
  const shown = tableBundle(result.pairs)['text/plain'];
  assert.match(shown, /linearMi/, 'the rows go to showTable as they are');
  assert.equal(result.mi[0][1], result.mi[1][0]);
  assert.equal(result.mi[2][2], null);
  assert.equal(result.figure.data[0].type, 'heatmap');
  assert.match(String((result.figure.data[0].text as string[][])[0][2]), /^\d\.\d\d\*$/);
});

test('miMatrix: knn-label for numeric-categorical, discrete for categorical pairs', async () => {
  const rng = new Rng(13);
  const n = 900;
  const records = Array.from({ length: n }, (_, i) => {
    const group = ['a', 'b', 'c'][i % 3];
    const other = rng.uniform() < 0.5 ? 'p' : 'q';
    // Classes 4 sd apart: I(value; group) is close to its ceiling, log 3.
    return { value: 4 * (i % 3) + rng.normal(), group, other };
  });
  const table = tableFromRecords(records, 'groups');
  const { pairs } = await miMatrix(table, { permutations: 19 });
  const [valueGroup, valueOther, groupOther] = pairs;
  assert.equal(valueGroup.estimator, 'knn-label');
  assert.ok(valueGroup.mi > 0.9 && valueGroup.mi < Math.log(3) + 0.05, `MI ${valueGroup.mi}`);
  assert.equal(valueGroup.pearson, null);
  assert.equal(valueOther.estimator, 'knn-label');
  assert.ok(Math.abs(valueOther.mi) < 0.05, `MI ${valueOther.mi}`);
  assert.equal(groupOther.estimator, 'discrete');
  assert.ok(groupOther.pValue! > 0.05);
});

test('knn-label breaks ties: rounded measurements of an independent pair give MI near 0', () => {
  // Before the fix, tied values sat at distance 0 from their k-th same-class neighbour and
  // independent data scored about 2 nats (above log 2, the most a binary label can carry).
  const rng = new Rng(14);
  const x = Array.from({ length: 400 }, () => Math.round(3 * rng.normal()));
  const labels = Array.from({ length: 400 }, () => rng.int(2));
  const mi = knnLabelMi(x, labels);
  assert.ok(Math.abs(mi) < 0.05, `knn-label ${mi} on independent rounded data`);
});

test('miMatrix names the failing pair and refuses fewer than two columns', async () => {
  const table = numericTable({ a: [1, 2, NaN, NaN, NaN], b: [1, 3, 2, 5, 4] });
  const tooFew = /'a' and 'b': estimator 'ksg' needs at least 4 rows, got 2/;
  await assert.rejects(miMatrix(table), tooFew);
  await assert.rejects(miMatrix(table, { columns: ['a'] }), /at least 2 columns/);
  await assert.rejects(miMatrix(table, { columns: ['a', 'c'] }), /no column 'c'/);
  // The estimator for numeric pairs is a choice; its own options are passed only where they apply.
  const g = numericTable({ a: [1, 2, 3, 4, 5, 6], b: [2, 1, 4, 3, 6, 5] });
  const { pairs } = await miMatrix(g, { estimator: 'gaussian', k: 2 });
  const direct = await estimate('gaussian', [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]);
  assert.equal(pairs[0].mi, direct.mi);
});

test('miGiven: dependence through a group vanishes given it; one hidden by groups appears', async () => {
  const rng = new Rng(15);
  const n = 1500;
  const rho = 0.6;
  const records = Array.from({ length: n }, (_, i) => {
    const g = i % 3;
    const e = rng.normal();
    // through: x and y share only the group mean. hidden: within a group y = rho x + noise,
    // but the group means run the other way: the pooled covariance 0.6 - 2 * 0.45 * var(g) is 0.
    return {
      group: `g${g}`,
      x1: 3 * g + rng.normal(),
      y1: 3 * g + rng.normal(),
      x2: e + 2 * g,
      y2: rho * e + Math.sqrt(1 - rho * rho) * rng.normal() - 0.45 * g,
    };
  });
  const table = tableFromRecords(records, 'groups');
  const settings = { permutations: 19, resamples: 40 };
  const [through, throughGiven] = await miGiven(table, 'x1', 'y1', 'group', settings);
  assert.equal(through.quantity, 'I(x1; y1)');
  assert.equal(throughGiven.quantity, 'I(x1; y1 | group)');
  assert.match(tableBundle([through, throughGiven])['text/html'], /I\(x1; y1 \| group\)/);
  assert.ok(through.mi > 0.5 && through.pValue === 0.05, `I(x1;y1) ${through.mi}`);
  const vanished = Math.abs(throughGiven.mi) < 0.05 && throughGiven.pValue! > 0.05;
  assert.ok(vanished, `given ${throughGiven.mi}, p ${throughGiven.pValue}`);
  const [hidden, hiddenGiven] = await miGiven(table, 'x2', 'y2', 'group', { permutations: 19 });
  const truth = -0.5 * Math.log(1 - rho * rho);
  const within = hiddenGiven.mi;
  assert.ok(Math.abs(within - truth) < 0.05, `I(x2;y2|group) ${within} vs ${truth}`);
  assert.ok(hidden.mi < within - 0.1, `pooled ${hidden.mi} vs within-group ${within}`);
  assert.equal(hiddenGiven.n, n);
  await assert.rejects(miGiven(table, 'x1', 'y1', 'x2'), /'x2' must be categorical/);
});
