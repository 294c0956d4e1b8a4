// MI-Dropout (Song, Chen & Xia, ICANN 2023), notebook 001-mi-dropout: the paper's claims and the
// released code's numbers, the data of its experiments (IMDB, AG_NEWS and Yelp when present, MNIST
// for the released pipeline). Exported as the namespace `miDropout`.
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
  MARGIN,
  DATASET_LABELS,
  STEP_LABELS,
  stepRun,
  accuracyRecords,
  sweepRecords,
  decomposition,
  continuedDecomposition,
  rankAgreement,
  depthPoints,
  textClaims,
  analyticClaims,
  releasedRows,
  releasedClaims,
  textRows,
  threeDatasetClaim,
  curveSeries,
  layerMiSeries,
  decompositionRecords,
  sweepSeries,
  unitRecords,
  depthSeries,
  releasedRecords,
} from './results';
export type { DepthPoint, Judged } from './results';
