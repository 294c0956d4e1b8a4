// Deep Mutual Information (Stirn, Kwiatkowski & Drori, poster), notebook 003-deep-mi: the poster's
// claims and table (paper.ts), the data (data.ts), the profiles, the runs (grid.ts, planes.ts,
// saturation.ts) and the study that schedules them (study.ts), what they measured (analysis.ts),
// tables and charts (tables.ts) and the verdicts (results.ts). Exported as the namespace `deepMi`.
export {
  NOTEBOOK,
  NET_TYPES,
  PAPER_SIGNALS,
  D7_TABLE,
  PAPER_TABLE_DATASET,
  CLAIMS,
  AMBIGUITIES,
} from './paper';
export type { NetType, PaperSignal, PaperClaim } from './paper';
export { CONFIGS, OPTIMIZERS, REGULARIZERS, L2_WEIGHT, DROPOUT_RATE } from './profiles';
export type {
  ProfileConfig,
  GridConfig,
  NoiseConfig,
  PlaneConfig,
  SaturationConfig,
  OptimizerName,
  Regularizer,
} from './profiles';
export {
  GRID_DATASETS,
  DATASET_LABELS,
  cifarPresent,
  loadImageData,
  disposeImageData,
} from './data';
export type { GridDataset, ImageSplit, ImageData, DataInfo, ImageDataOptions } from './data';
export { gridModel, runGridCell } from './grid';
export type { Progress, GridCell, GridSignals, GridRun } from './grid';
export { runPlane, family } from './planes';
export type { PlaneRun } from './planes';
export { runSaturation } from './saturation';
export type { SaturationRun } from './saturation';
export { runGridStudy, runPlaneStudy, runSaturationStudy, cellLabel } from './study';
export type { ProgressFactory, GridStudy, PlaneStudy } from './study';
export {
  SIGNALS,
  OUTCOME_TOLERANCE,
  RESAMPLES,
  signal,
  toRecord,
  configOf,
  gridPairs,
  scoreOf,
  scoreSignal,
  miAdvantage,
  advantageOn,
  signalTau,
  discordance,
  variantAnalysis,
  collapseAnalysis,
  miLossRankCorrelation,
  phaseCells,
  dpiViolations,
} from './analysis';
export type {
  SignalSpec,
  PairRule,
  SignalScore,
  Discordance,
  Variant,
  CollapseSummary,
  PhaseCell,
} from './analysis';
export {
  scoreRecords,
  signalRecords,
  variantRecords,
  runRecords,
  noiseRecords,
  miScatter,
  endPlaneScatter,
  planePoints,
  phaseRecords,
  planeAccuracySeries,
  saturationSeries,
} from './tables';
export {
  tableRows,
  tableComparisonClaim,
  predictorClaims,
  noiseClaim,
  planeClaims,
  saturationClaim,
  descriptiveClaims,
} from './results';
