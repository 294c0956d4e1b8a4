// display: Plotly charts, tables and live progress in tslab notebooks (and sane text elsewhere).
export { showPlot, plotBundle, lineChart, PLOTLY_MIME } from './plot';
export type { PlotlyFigure, PlotBundle, LineSeries, LineChartOptions } from './plot';
export { heatmap } from './plot';
export type { HeatmapOptions } from './plot';
export { showTable, tableBundle, saveTable } from './table';
export type { TableLike, TableInput, TableOptions } from './table';
export { progressReporter } from './progress';
export type { ProgressUpdate, OnProgress, ProgressReporter, ProgressOptions } from './progress';
export { inKernel } from './kernel';
