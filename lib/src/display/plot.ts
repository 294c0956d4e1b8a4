// Plotly charts as ONE display bundle that renders wherever a notebook is opened:
// - application/vnd.plotly.v1+json (the figure object): VS Code, JupyterLab with the plotly
//   extension, and classic Notebook through the milab-plotly nbextension that environment/setup.sh
//   installs (it renders this JSON, so charts draw in untrusted notebooks and after page reloads);
// - text/html (a div and a script calling Plotly.newPlot on the page's window.Plotly): nbconvert's
//   HTML export, whose <head> loads the plotly.min.js copied next to it (execute_notebook.py);
// - text/plain: terminals and anything else.
// plotly.js is never inlined: it is 4.8 MB, and a copy per output made every notebook that large.
import { randomBytes } from 'node:crypto';
import { inputError } from '../errors';
import { escapeHtml, inKernel, sendBundle } from './kernel';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface PlotBundle {
  [PLOTLY_MIME]: PlotlyFigure;
  'text/html': string;
  'text/plain': string;
}

// Shown where the HTML is displayed but its script never runs (an untrusted notebook is
// sanitised); the script replaces it by the chart, or by NO_PLOTLY_HINT.
const UNTRUSTED_HINT =
  'Chart not drawn: this notebook is not trusted (File > Trust Notebook) and the milab-plotly ' +
  'extension is not loaded (open it with npm run lab).';
const NO_PLOTLY_HINT =
  'Chart not drawn: plotly.js is not on this page (classic Notebook: open it with npm run lab; ' +
  'JupyterLab: install the plotly extension; an HTML export: keep its plotly.min.js beside it).';

/** The figure as plain JSON: typed arrays become arrays, NaN/Infinity become null (gaps). */
function toJsonFigure(figure: PlotlyFigure): PlotlyFigure {
  if (figure === null || typeof figure !== 'object' || !Array.isArray(figure.data)) {
    inputError('a Plotly figure needs a data array: { data: [{ x, y, type }], layout? }');
  }
  const json = JSON.stringify(figure, (_key, value: unknown) =>
    ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value,
  );
  return JSON.parse(json) as PlotlyFigure;
}

/** Build the bundle: the figure as JSON, as HTML drawn by the page's plotly.js, and as text. */
export function plotBundle(figure: PlotlyFigure): PlotBundle {
  const fig = toJsonFigure(figure);
  const id = `milab-plot-${randomBytes(6).toString('hex')}`;
  const height = typeof fig.layout?.height === 'number' ? fig.layout.height : 420;
  // '<' escaped as \u003c keeps the JSON valid and the <script> element intact.
  const payload = JSON.stringify(fig)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const draw =
    `(function(){var fig=${payload};var el=document.getElementById('${id}');if(!el)return;` +
    `if(!window.Plotly){el.firstChild.textContent=${JSON.stringify(NO_PLOTLY_HINT)};return;}` +
    `el.textContent='';window.Plotly.newPlot(el,fig.data,fig.layout||{},` +
    `Object.assign({responsive:true,displaylogo:false},fig.config||{}));})();`;
  const html =
    `<div id="${id}" class="milab-plot" style="width:100%;height:${height}px">` +
    `<p class="milab-plot-hint">${escapeHtml(UNTRUSTED_HINT)}</p></div>\n` +
    `<script type="text/javascript">${draw}</script>`;
  return { [PLOTLY_MIME]: fig, 'text/html': html, 'text/plain': describeFigure(fig) };
}

/** Show a Plotly figure in the notebook; outside a notebook print a one-line description. */
export function showPlot(figure: PlotlyFigure): void {
  if (!inKernel()) {
    console.log(describeFigure(toJsonFigure(figure)));
    return;
  }
  sendBundle(plotBundle(figure) as unknown as Record<string, unknown>);
}

function describeFigure(fig: PlotlyFigure): string {
  const layoutTitle = fig.layout?.title;
  const title =
    typeof layoutTitle === 'string'
      ? layoutTitle
      : (layoutTitle as { text?: unknown } | undefined)?.text;
  const names = fig.data.map((trace, i) =>
    typeof trace.name === 'string' ? trace.name : `trace ${i + 1}`,
  );
  const titled = typeof title === 'string' && title !== '' ? `: ${title}` : '';
  const traces = `${names.length} trace${names.length === 1 ? '' : 's'}`;
  return `[Plotly chart${titled} — ${traces}: ${names.join(', ')}]`;
}

export interface LineSeries {
  name: string;
  y: ArrayLike<number>;
  /** Defaults to 0, 1, 2, ... */
  x?: ArrayLike<number>;
  /** Error bars (e.g. sd over seeds). */
  error?: ArrayLike<number>;
}

export interface LineChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  height?: number;
  /** Fixed y-axis range [low, high]. Points outside are clipped, and a note under the title says
   * how many: one estimate diverging to -30 would otherwise flatten every other line. */
  yRange?: readonly [number, number];
}

/** Above this many points a series is drawn as a bare line: markers on a long training curve
 * merge into a thick band that hides the line's shape. */
export const MARKER_LIMIT = 60;

/** A line chart, one trace per series; short series get markers on their points. */
export function lineChart(
  series: readonly LineSeries[],
  options: LineChartOptions = {},
): PlotlyFigure {
  if (!Array.isArray(series) || series.length === 0)
    inputError('lineChart needs at least one series');
  const data = series.map((s, i) => {
    if (!s || typeof s.name !== 'string' || !s.y)
      inputError(`lineChart: series ${i} needs a name and y values`);
    const y = Array.from(s.y);
    const x = s.x ? Array.from(s.x) : y.map((_, j) => j);
    if (x.length !== y.length)
      inputError(`lineChart: series '${s.name}' has ${x.length} x values but ${y.length} y values`);
    const mode = y.length > MARKER_LIMIT ? 'lines' : 'lines+markers';
    const trace: Record<string, unknown> = { type: 'scatter', mode, name: s.name, x, y };
    if (s.error) trace.error_y = { type: 'data', array: Array.from(s.error), visible: true };
    return trace;
  });
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    xaxis: { title: { text: options.xTitle ?? '' } },
    yaxis: { title: { text: options.yTitle ?? '' }, type: options.logY ? 'log' : 'linear' },
    margin: { t: 50, r: 20 },
  };
  if (options.height) layout.height = options.height;
  if (options.yRange) clipY(series, options.yRange, layout);
  return { data, layout };
}

export interface ScatterSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Hover text per point (e.g. which configuration it is). */
  text?: readonly string[];
  /** Plotly marker symbol, e.g. 'x' to set a group apart (default a circle). */
  symbol?: string;
}

/** Points without lines, one trace per series (x against y; hover shows each point's text). */
export function scatterChart(
  series: readonly ScatterSeries[],
  options: Omit<LineChartOptions, 'yRange' | 'logY'> = {},
): PlotlyFigure {
  if (!Array.isArray(series) || series.length === 0)
    inputError('scatterChart needs at least one series');
  const data = series.map((s, i) => {
    if (!s || typeof s.name !== 'string' || !s.x || !s.y)
      inputError(`scatterChart: series ${i} needs a name, x and y values`);
    const x = Array.from(s.x);
    const y = Array.from(s.y);
    if (x.length !== y.length)
      inputError(
        `scatterChart: series '${s.name}' has ${x.length} x values but ${y.length} y values`,
      );
    if (s.text && s.text.length !== x.length)
      inputError(
        `scatterChart: series '${s.name}' has ${x.length} points but ${s.text.length} texts`,
      );
    const trace: Record<string, unknown> = { type: 'scatter', mode: 'markers', name: s.name, x, y };
    if (s.text) trace.text = [...s.text];
    if (s.symbol) trace.marker = { symbol: s.symbol, size: 9 };
    return trace;
  });
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    xaxis: { title: { text: options.xTitle ?? '' } },
    yaxis: { title: { text: options.yTitle ?? '' } },
    margin: { t: 50, r: 20 },
  };
  if (options.height) layout.height = options.height;
  return { data, layout };
}

/** Fix the y range and note the points it leaves out (per series), so clipping is never silent. */
function clipY(
  series: readonly LineSeries[],
  range: readonly [number, number],
  layout: Record<string, unknown>,
): void {
  const [low, high] = range;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    inputError(`lineChart: yRange must be [low, high] with low < high; got [${low}, ${high}]`);
  }
  (layout.yaxis as Record<string, unknown>).range = [low, high];
  const clipped = (v: number) => Number.isFinite(v) && (v < low || v > high);
  const outside = series
    .map((s) => ({ name: s.name, count: Array.from(s.y).filter(clipped).length }))
    .filter((o) => o.count > 0);
  if (outside.length === 0) return;
  const list = outside.map((o) => `${o.name} ${o.count}`).join(', ');
  layout.annotations = [
    {
      text: `points outside the y range [${low}, ${high}] not shown: ${list}`,
      xref: 'paper',
      yref: 'paper',
      x: 0,
      y: 1,
      xanchor: 'left',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: 11, color: '#656d76' },
    },
  ];
}

export interface HeatmapOptions {
  /** Column labels (one per entry of each row of z). */
  x: readonly string[];
  /** Row labels (one per row of z); default: x (a square matrix such as an MI matrix). */
  y?: readonly string[];
  /** Cell labels; default: the value to `digits` decimals, blank where it is null or NaN. */
  text?: ReadonlyArray<readonly string[]>;
  digits?: number;
  title?: string;
  zmin?: number;
  zmax?: number;
  /** A Plotly colorscale name (default 'Viridis'). */
  colorscale?: string;
  /** The trace's name (what the quantity is), shown in the text description. */
  name?: string;
  height?: number;
}

/** A heatmap of a matrix z (z[row][column]), first row at the top as in a printed table. */
export function heatmap(
  z: ReadonlyArray<ArrayLike<number | null>>,
  options: HeatmapOptions,
): PlotlyFigure {
  const x = [...(options?.x ?? [])];
  const y = [...(options.y ?? x)];
  if (!Array.isArray(z) || z.length === 0) inputError('heatmap needs a non-empty matrix z');
  if (z.length !== y.length) {
    inputError(`heatmap: z has ${z.length} rows but ${y.length} row labels`);
  }
  const values = z.map((row, i) => {
    const r: Array<number | null> = [];
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      r.push(v === null || !Number.isFinite(v) ? null : v);
    }
    if (r.length !== x.length) {
      inputError(`heatmap: row ${i} of z has ${r.length} values but there are ${x.length} labels`);
    }
    return r;
  });
  const digits = options.digits ?? 2;
  const text = options.text
    ? options.text.map((row) => [...row])
    : values.map((row) => row.map((v) => (v === null ? '' : v.toFixed(digits))));
  if (text.length !== y.length || text.some((row) => row.length !== x.length)) {
    inputError('heatmap: text must have the shape of z');
  }
  const trace: Record<string, unknown> = {
    type: 'heatmap',
    x,
    y,
    z: values,
    text,
    texttemplate: '%{text}',
    hovertemplate: '%{y} · %{x}: %{text}<extra></extra>',
    colorscale: options.colorscale ?? 'Viridis',
  };
  if (options.name !== undefined) trace.name = options.name;
  if (options.zmin !== undefined) trace.zmin = options.zmin;
  if (options.zmax !== undefined) trace.zmax = options.zmax;
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    yaxis: { autorange: 'reversed', automargin: true },
    xaxis: { automargin: true },
    margin: { t: 50, r: 20 },
  };
  if (options.height) layout.height = options.height;
  return { data: [trace], layout };
}
