// explore: exploratory MI analysis of a user's own table (notebooks/02-your-data).
export {
  readTable,
  tableFromCsv,
  tableFromRecords,
  tableColumn,
  describeTable,
  completeRows,
  sampleRows,
  tableRecords,
  MISSING_TOKENS,
} from './table';
export type { DataTable, TableColumn, CompleteRows } from './table';
export { pearson, spearman, kendallTau, ranks, gaussianMiFromCorrelation } from './correlation';
export { miMatrix, miPair, pairEstimator } from './mi-matrix';
export type { MiEstimateRow, MiMatrix, MiMatrixOptions, MiPairRow } from './mi-matrix';
export { miGiven } from './conditional';
export type { ConditionalRow } from './conditional';
