// Plotly figures of the information plane, and side-by-side panels for MINE's convergence curves
// and estimates by epoch (show them with showPlot).
import { inputError } from '../errors';
import type { PlotlyFigure } from '../display';

export interface InformationPlanePoint {
  layer: string;
  /** The classifier's training epoch at which the layer was measured. */
  epoch: number;
  /** I(X; L) in nats. */
  ix: number;
  /** I(Y; L) in nats. */
  iy: number;
  /** Spread over seeds (e.g. sd), drawn as error bars. */
  ixSpread?: number;
  iySpread?: number;
}

/**
 * One path per layer through (I(X;L), I(Y;L)), in epoch order, each point labelled with its epoch.
 */
export function informationPlaneFigure(
  points: readonly InformationPlanePoint[],
  options: { title?: string; height?: number } = {},
): PlotlyFigure {
  if (!Array.isArray(points as unknown) || points.length === 0)
    inputError('informationPlaneFigure needs at least one point');
  const layers: string[] = [];
  for (const p of points) {
    if (!p || typeof p.layer !== 'string' || !Number.isFinite(p.epoch))
      inputError('each information-plane point needs a layer name and an epoch');
    if (!layers.includes(p.layer)) layers.push(p.layer);
  }
  const data = layers.map((layer) => {
    const path = points.filter((p) => p.layer === layer).sort((a, b) => a.epoch - b.epoch);
    const trace: Record<string, unknown> = {
      type: 'scatter',
      mode: 'lines+markers+text',
      name: layer,
      x: path.map((p) => finiteOrNull(p.ix)),
      y: path.map((p) => finiteOrNull(p.iy)),
      text: path.map((p) => String(p.epoch)),
      textposition: 'top center',
      // Later epochs get bigger markers, so the direction of travel reads without the labels.
      marker: { size: path.map((_, i) => 6 + (8 * i) / Math.max(1, path.length - 1)) },
      hovertemplate: `${layer}, epoch %{text}<br>I(X;L) %{x:.3f} nats<br>I(Y;L) %{y:.3f} nats<extra></extra>`,
    };
    if (path.some((p) => p.ixSpread !== undefined))
      trace.error_x = errorBars(path.map((p) => p.ixSpread));
    if (path.some((p) => p.iySpread !== undefined))
      trace.error_y = errorBars(path.map((p) => p.iySpread));
    return trace;
  });
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? 'Information plane' },
    xaxis: { title: { text: 'I(X; L) [nats]' } },
    yaxis: { title: { text: 'I(Y; L) [nats]' } },
    margin: { t: 50, r: 20 },
  };
  if (options.height) layout.height = options.height;
  return { data, layout };
}

export interface PanelSeries {
  name: string;
  y: ReadonlyArray<number | null>;
  /** Defaults to 1, 2, 3, ... (e.g. MINE epochs). */
  x?: readonly number[];
  /** Half-width of a shaded band around the line (e.g. sd over seeds). */
  band?: ReadonlyArray<number | null>;
  /** Draw as markers only (e.g. a reference computed at a few points). */
  markers?: boolean;
}

export interface Panel {
  title: string;
  series: readonly PanelSeries[];
}

/** Line charts side by side sharing the y axis and one legend (a series keeps its colour in every
 * panel); bands are drawn as shaded areas. */
export function panelsFigure(
  panels: readonly Panel[],
  options: { title?: string; xTitle?: string; yTitle?: string; height?: number } = {},
): PlotlyFigure {
  if (!Array.isArray(panels as unknown) || panels.length === 0)
    inputError('panelsFigure needs at least one panel');
  const data: Array<Record<string, unknown>> = [];
  const annotations: unknown[] = [];
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? '' },
    grid: { rows: 1, columns: panels.length, pattern: 'independent' },
    annotations,
    margin: { t: 80, r: 20 },
  };
  const colours = new Map<string, string>();
  const colourOf = (name: string) => {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
    return colours.get(name) as string;
  };
  panels.forEach((panel, k) => {
    const axis = k === 0 ? '' : String(k + 1);
    for (const s of panel.series) {
      if (!s || typeof s.name !== 'string' || !s.y)
        inputError(`panelsFigure: a series of panel '${panel.title}' needs a name and y values`);
      const x = s.x ? [...s.x] : s.y.map((_, j) => j + 1);
      if (x.length !== s.y.length)
        inputError(
          `panelsFigure: series '${s.name}' has ${x.length} x values but ${s.y.length} y values`,
        );
      const colour = colourOf(s.name);
      const y = s.y.map((v) => (v === null ? null : finiteOrNull(v)));
      if (s.band) {
        const upper = y.map((v, j) =>
          v === null || s.band?.[j] == null ? null : v + (s.band[j] as number),
        );
        const lower = y.map((v, j) =>
          v === null || s.band?.[j] == null ? null : v - (s.band[j] as number),
        );
        data.push({
          type: 'scatter',
          mode: 'lines',
          name: `${s.name} ± band`,
          x: [...x, ...[...x].reverse()],
          y: [...upper, ...[...lower].reverse()],
          fill: 'toself',
          fillcolor: colour,
          opacity: 0.18,
          line: { width: 0 },
          hoverinfo: 'skip',
          showlegend: false,
          legendgroup: s.name,
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
        });
      }
      data.push({
        type: 'scatter',
        mode: s.markers ? 'markers' : 'lines+markers',
        name: s.name,
        legendgroup: s.name,
        showlegend: !data.some((t) => t.name === s.name && t.showlegend),
        line: { color: colour },
        marker: { color: colour, size: 5 },
        x,
        y,
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
      });
    }
    layout[`xaxis${axis}`] = { title: { text: options.xTitle ?? '' } };
    layout[`yaxis${axis}`] = k === 0 ? { title: { text: options.yTitle ?? '' } } : { matches: 'y' };
    annotations.push({
      text: panel.title,
      showarrow: false,
      xref: `x${axis} domain`,
      yref: `y${axis} domain`,
      x: 0.5,
      y: 1.1,
    });
  });
  if (options.height) layout.height = options.height;
  return { data, layout };
}

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

function errorBars(spread: ReadonlyArray<number | undefined>): Record<string, unknown> {
  return {
    type: 'data',
    array: spread.map((s) => (s !== undefined && Number.isFinite(s) ? s : 0)),
    visible: true,
  };
}

/** Plotly draws null as a gap; NaN would break the JSON. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
