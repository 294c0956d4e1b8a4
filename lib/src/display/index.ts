// display: Plotly charts, tables and live progress in tslab notebooks (and sane text elsewhere).
export { showPlot, lineChart, scatterChart } from './plot';
export type { PlotlyFigure, PlotBundle, LineSeries, LineChartOptions, ScatterSeries } from './plot';
export { heatmap } from './plot';
export type { HeatmapOptions } from './plot';
export { showTable, saveTable } from './table';
export { checkAnswer } from './exercise';
export type { TableLike, TableInput, TableOptions } from './table';
export { progressReporter } from './progress';
export type { ProgressUpdate, OnProgress, ProgressReporter, ProgressOptions } from './progress';
