import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChart, MilabInputError, showPlot, type PlotlyFigure } from 'milab';
import { plotBundle, PLOTLY_MIME } from 'milab/internal';
import { heatmap, scatterChart } from 'milab';
import { installFakeKernel } from './display-fake-kernel';

const figure: PlotlyFigure = {
  data: [
    {
      type: 'scatter',
      name: 'loss',
      x: [0, 1, 2],
      y: new Float32Array([1, 0.5, NaN]) as unknown as number[],
    },
  ],
  layout: { title: { text: 'Loss' }, height: 300 },
};

/** The JSON literal the HTML's script passes to Plotly.newPlot. */
function embeddedFigure(html: string): unknown {
  const match = /var fig=(.*?);var el=/.exec(html);
  assert.ok(match, 'the HTML embeds the figure');
  return JSON.parse(match[1]);
}

test('showPlot sends one small bundle per chart in a kernel, never a copy of plotly.js', () => {
  const kernel = installFakeKernel();
  try {
    showPlot(figure);
    showPlot(lineChart([{ name: 'accuracy', y: [50, 70, 80] }], { title: 'Accuracy' }));
  } finally {
    kernel.uninstall();
  }
  assert.equal(kernel.sent.length, 2);
  const [first] = kernel.sent;
  for (const message of kernel.sent) {
    assert.deepEqual(
      Object.keys(message.data).sort(),
      [PLOTLY_MIME, 'text/html', 'text/plain'].sort(),
    );
    const json = message.data[PLOTLY_MIME] as PlotlyFigure;
    assert.equal(typeof json, 'object', 'the Plotly MIME type carries a JSON object, not a string');
    assert.ok(Array.isArray(json.data));
    assert.equal(message.update, false);
    // The library lives outside the output (nbextension, or a file beside the export): a chart
    // sent once per kernel is blank on a reloaded page, and a copy per notebook weighs 5 MB.
    const html = message.data['text/html'] as string;
    assert.doesNotMatch(html, /plotly\.js v\d/, 'no chart carries plotly.js');
    assert.ok(html.length < 10_000, `${html.length} characters of HTML for a 3-point chart`);
    assert.match(html, /window\.Plotly\.newPlot/, "the HTML draws with the page's plotly.js");
  }
  const firstHtml = first.data['text/html'] as string;
  // Typed arrays became arrays, NaN a gap (null), in both the JSON and the HTML.
  const expected = {
    data: [{ type: 'scatter', name: 'loss', x: [0, 1, 2], y: [1, 0.5, null] }],
    layout: { title: { text: 'Loss' }, height: 300 },
  };
  assert.deepEqual(first.data[PLOTLY_MIME], expected);
  assert.deepEqual(embeddedFigure(firstHtml), expected);
  assert.match(firstHtml, /height:300px/);
  assert.equal(first.data['text/plain'], '[Plotly chart: Loss — 1 trace: loss]');
});

test('plotBundle keeps markup in trace names from ending the script element', () => {
  const bundle = plotBundle({ data: [{ name: '</script><b>x</b>', y: [1] }] });
  const html = bundle['text/html'];
  assert.equal(html.match(/<\/script>/g)?.length, 1, 'only the closing tag of the drawing script');
  assert.deepEqual(embeddedFigure(html), { data: [{ name: '</script><b>x</b>', y: [1] }] });
  assert.match(html, /<div id="milab-plot-[0-9a-f]+" class="milab-plot"/);
  assert.match(html, /Plotly\.newPlot/);
});

test('a chart whose script cannot run or finds no plotly.js says why, in one line', () => {
  const html = plotBundle({ data: [{ y: [1] }] })['text/html'];
  // Sanitised (untrusted notebook): the script is stripped, the div's text stays.
  const hint = /<div [^>]*class="milab-plot"[^>]*><p class="milab-plot-hint">([^<]*)<\/p><\/div>/;
  const div = hint.exec(html);
  assert.ok(div, 'the chart div holds a hint until the chart replaces it');
  assert.match(div[1], /not trusted \(File &gt; Trust Notebook\)/);
  // Script run without plotly.js on the page: it says what to do, not to "run it again".
  assert.match(html, /plotly\.js is not on this page/);
  assert.doesNotMatch(html, /run the notebook again/);
});

test('showPlot outside a kernel prints one line and does not throw', (t) => {
  const lines: string[] = [];
  t.mock.method(console, 'log', (line: string) => lines.push(line));
  showPlot(figure);
  assert.deepEqual(lines, ['[Plotly chart: Loss — 1 trace: loss]']);
});

test('lineChart builds one trace per series and checks its input', () => {
  const fig = lineChart([{ name: 'a', x: [1, 2], y: [3, 4], error: [0.1, 0.2] }], {
    xTitle: 'epoch',
    logY: true,
  });
  assert.deepEqual(fig.data[0], {
    type: 'scatter',
    mode: 'lines+markers',
    name: 'a',
    x: [1, 2],
    y: [3, 4],
    error_y: { type: 'data', array: [0.1, 0.2], visible: true },
  });
  assert.equal((fig.layout!.yaxis as { type: string }).type, 'log');
  assert.throws(
    () => lineChart([{ name: 'b', x: [1], y: [1, 2] }]),
    (err: Error) => err instanceof MilabInputError && /1 x values but 2 y values/.test(err.message),
  );
  assert.throws(() => lineChart([]), MilabInputError);
  assert.throws(() => plotBundle({} as PlotlyFigure), /needs a data array/);
});

test('lineChart draws long series as bare lines, and a yRange clips outliers with a note saying how many', () => {
  const long = Array.from({ length: 800 }, (_, i) => (i === 400 ? -30 : i / 100));
  const fig = lineChart(
    [
      { name: 'NWJ', y: long },
      { name: 'truth', y: [2, 4, 6] },
    ],
    { yRange: [-2, 12] },
  );
  assert.equal(fig.data[0].mode, 'lines', '800 markers would hide the line');
  assert.equal(fig.data[1].mode, 'lines+markers', 'a short series keeps its markers');
  const layout = fig.layout as {
    yaxis: { range?: number[] };
    annotations?: Array<{ text: string }>;
  };
  assert.deepEqual(layout.yaxis.range, [-2, 12]);
  assert.equal(layout.annotations?.length, 1);
  assert.equal(layout.annotations![0].text, 'points outside the y range [-2, 12] not shown: NWJ 1');
  const inside = lineChart([{ name: 'a', y: [1, 2] }], { yRange: [0, 3] }).layout as {
    annotations?: unknown;
  };
  assert.equal(inside.annotations, undefined, 'no note when nothing is clipped');
  assert.throws(() => lineChart([{ name: 'a', y: [1] }], { yRange: [3, 1] }), MilabInputError);
});

test('heatmap: one trace, first row on top, gaps for null/NaN, labels from values or given', () => {
  const options = { x: ['a', 'b'], title: 'MI', zmin: 0, name: 'nats' };
  const figure = heatmap(
    [
      [null, 0.5],
      [0.5, NaN],
    ],
    options,
  );
  assert.equal(figure.data.length, 1);
  const [trace] = figure.data;
  assert.equal(trace.type, 'heatmap');
  assert.deepEqual(trace.z, [
    [null, 0.5],
    [0.5, null],
  ]);
  assert.deepEqual(trace.y, ['a', 'b'], 'a square matrix labels its rows like its columns');
  assert.deepEqual(trace.text, [
    ['', '0.50'],
    ['0.50', ''],
  ]);
  assert.equal(trace.zmin, 0);
  assert.equal((figure.layout!.yaxis as { autorange: string }).autorange, 'reversed');
  const bundle = plotBundle(figure);
  assert.equal(bundle['text/plain'], '[Plotly chart: MI — 1 trace: nats]');
  const pqr = { x: ['p', 'q', 'r'], y: ['row'] };
  const labelled = heatmap([[1, 2, 3]], { ...pqr, text: [['x', 'y', 'z']] });
  assert.deepEqual(labelled.data[0].text, [['x', 'y', 'z']]);
  assert.throws(() => heatmap([[1, 2]], pqr), /row 0 of z has 2 values/);
  assert.throws(() => heatmap([[1]], { x: ['p'], y: ['a', 'b'] }), /1 rows but 2 row labels/);
  assert.throws(() => heatmap([[1]], { x: ['p'], text: [['a', 'b']] }), MilabInputError);
});

test('scatterChart: markers only, hover texts and a marker symbol; mismatched lengths refused', () => {
  const fig = scatterChart(
    [
      { name: 'FCN-3', x: [1, 2], y: [80, 85], text: ['adam', 'sgd'] },
      { name: 'collapsed', x: [3], y: [10], symbol: 'x' },
    ],
    { title: 't', xTitle: 'MI', yTitle: 'acc' },
  );
  assert.equal(fig.data.length, 2);
  const [a, b] = fig.data as Array<Record<string, unknown>>;
  assert.equal(a.mode, 'markers');
  assert.deepEqual(a.text, ['adam', 'sgd']);
  assert.deepEqual(b.marker, { symbol: 'x', size: 9 });
  assert.throws(
    () => scatterChart([{ name: 's', x: [1, 2], y: [1] }]),
    /2 x values but 1 y values/,
  );
  assert.throws(
    () => scatterChart([{ name: 's', x: [1], y: [1], text: [] }]),
    /1 points but 0 texts/,
  );
  assert.throws(() => scatterChart([]), /at least one series/);
});
