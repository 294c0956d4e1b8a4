// MI-Dropout (Song, Chen & Xia, ICANN 2023), notebook 001-mi-dropout: the paper's claims and the
// released code's numbers (paper.ts), the data (data.ts), the profiles, the runs (experiment.ts,
// mi-step.ts, baselines.ts, released.ts) and the study that schedules them (study.ts), what they
// measured (analysis.ts), the tables and charts (tables.ts) and the verdicts (results.ts).
// Exported as the namespace `miDropout`.
export {
  NOTEBOOK,
  HEAD_LAYERS,
  PAPER_DATASETS,
  PAPER_BASELINES,
  BASELINE_LABELS,
  PAPER_START_THRESHOLD,
  RELEASED_THRESHOLD,
  PAPER_SEEDS,
  RELEASED_MNIST,
  CLAIMS,
  TEXT_DEFECTS,
} from './paper';
export type { PaperDataset, BaselineKind, PaperClaim } from './paper';
export { textDataAvailable, loadTextData, loadMnistData, disposeData } from './data';
export type {
  LabelledSplit,
  LabelledData,
  DataInfo,
  TextDataOptions,
  MnistDataOptions,
} from './data';
export {
  removalCount,
  lowestUnits,
  unitsBelow,
  selectUnits,
  keptUnits,
  impliedThreshold,
  decomposeMi,
} from './selection';
export type { Selection, MiDecomposition } from './selection';
export { CONFIGS } from './profiles';
export type { ProfileConfig, TextConfig, ReleasedConfig } from './profiles';
export {
  fit,
  textSettings,
  textModel,
  releasedMlp,
  scoreUnits,
  measurementRows,
  outgoingNorms,
} from './experiment';
export type { Progress, EpochPoint, TrainedRun, TrainSettings, UnitScores } from './experiment';
export { ALGORITHM1_RATE, runMiStep } from './mi-step';
export type { StepMethod, StepRun, MiStepRun } from './mi-step';
export { DEPTH_WIDTHS, headOfDepth, runBaseline, runDepth, networkAverageMi } from './baselines';
export type { BaselineRun, DepthRun } from './baselines';
export { RELEASED_LAYER, runReleased, scrambledReinit, runReleasedDropout } from './released';
export type { ReleasedStep, ReleasedStepRun, ReleasedRun, ReleasedDropoutRun } from './released';
export { runTextStudy, runReleasedStudy, RELEASED_DROPOUT } from './study';
export type { ProgressFactory, TextStudy, ReleasedStudy } from './study';
export {
  DATASET_LABELS,
  STEP_LABELS,
  stepRun,
  decomposition,
  continuedDecomposition,
  rankAgreement,
  depthPoints,
} from './analysis';
export type { DepthPoint } from './analysis';
export {
  accuracyRecords,
  sweepRecords,
  curveSeries,
  layerMiSeries,
  decompositionRecords,
  sweepSeries,
  unitRecords,
  depthSeries,
  releasedRecords,
} from './tables';
export {
  MARGIN,
  textClaims,
  analyticClaims,
  releasedRows,
  releasedClaims,
  textRows,
  threeDatasetClaim,
} from './results';
