// The information plane's Plotly figures: one path per layer, and side-by-side panels with bands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MilabInputError, informationPlaneFigure, panelsFigure } from 'milab';

test('informationPlaneFigure: one path per layer in epoch order, epochs as labels, spreads as error bars', () => {
  const fig = informationPlaneFigure([
    { layer: 'relu3', epoch: 4, ix: 2, iy: 1, ixSpread: 0.1 },
    { layer: 'relu3', epoch: 0, ix: 3, iy: 0.5, ixSpread: 0.2 },
    { layer: 'sm1', epoch: 0, ix: NaN, iy: 0.4 },
  ]);
  assert.deepEqual(
    fig.data.map((t) => t.name),
    ['relu3', 'sm1'],
  );
  assert.deepEqual(fig.data[0].x, [3, 2]);
  assert.deepEqual(fig.data[0].text, ['0', '4']);
  assert.deepEqual((fig.data[0].error_x as { array: number[] }).array, [0.2, 0.1]);
  assert.deepEqual(fig.data[1].x, [null], 'NaN becomes a gap');
  assert.throws(() => informationPlaneFigure([]), MilabInputError);
});

test('panelsFigure: a band trace under each banded line, axes per panel, one legend entry per series', () => {
  const fig = panelsFigure([
    {
      title: 'a',
      series: [
        { name: 'MINE', y: [1, 2], band: [0.1, 0.2] },
        { name: 'KDE', y: [3, 3], markers: true },
      ],
    },
    { title: 'b', series: [{ name: 'MINE', x: [0, 4], y: [null, 2] }] },
  ]);
  assert.equal(fig.data.length, 4);
  assert.equal(fig.data[0].fill, 'toself');
  assert.deepEqual(fig.data[0].y, [1.1, 2.2, 1.8, 0.9]);
  assert.deepEqual(
    fig.data.filter((t) => t.showlegend).map((t) => t.name),
    ['MINE', 'KDE'],
  );
  assert.equal(fig.data[3].xaxis, 'x2');
  assert.equal(
    (fig.data[1].line as { color: string }).color !== (fig.data[2].line as { color: string }).color,
    true,
  );
  assert.equal(
    (fig.data[3].line as { color: string }).color,
    (fig.data[1].line as { color: string }).color,
    'a series keeps its colour',
  );
  assert.throws(
    () => panelsFigure([{ title: 'x', series: [{ name: 's', x: [1], y: [1, 2] }] }]),
    /1 x values but 2 y values/,
  );
});
