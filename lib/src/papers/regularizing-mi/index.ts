// Regularising with MI (Shell Xu Hu's slides; beta-BNN and VID), notebook 002-regularizing-with-mi.
// Part A: the slides' formulas checked exactly (exact-checks.ts), with the enumerable Gibbs learner
// (gibbs.ts). Part B: beta-BNN on MNIST (bnn.ts, judged in results-bnn.ts). Part C: VID, teacher
// to student, on Fashion-MNIST (vid.ts, judged in results-vid.ts). The data (data.ts), the
// profiles, the study that schedules the runs (study.ts), the tables and charts (tables.ts).
// Exported as the namespace `regularizingMi`.
export {
  NOTEBOOK,
  PART_A_CLAIMS,
  BNN_TABLE,
  PART_B_CLAIMS,
  VID_CIFAR_MLP,
  VID_FEW_DATA,
  PART_C_CLAIMS,
} from './paper';
export type { SlideClaim } from './paper';
export { gibbsCase, metaLearningIdentity } from './gibbs';
export type { GibbsToyOptions, GibbsCase, MetaLearningIdentity } from './gibbs';
export {
  IDENTITY_TOLERANCE,
  ITERATION_TOLERANCE,
  checkIdentities,
  checkRateDistortion,
  typoUpdateRate,
  checkCapacity,
  checkChiSquare,
  checkLearner,
  partAClaims,
} from './exact-checks';
export type { IdentityCheck, SourceCheck, ChannelCheck, ChiSquareCheck } from './exact-checks';
export { loadBnnData, loadVidData, limitTraining, disposeSplitData } from './data';
export type { LabelledSplit, SplitData, DataInfo, SplitOptions } from './data';
export { CONFIGS } from './profiles';
export type { ProfileConfig, BnnConfig, VidConfig } from './profiles';
export { runBnn } from './bnn';
export type { Progress, BnnMethod, BnnSetting, BnnEpoch, BnnRun } from './bnn';
export { VID_METHODS, TRANSFER_PAIRS, runTeacher, teacherModel, runStudent } from './vid';
export type {
  VidMethod,
  TeacherRun,
  StudentSetting,
  TransferTerms,
  StudentEpoch,
  StudentRun,
} from './vid';
export { runBnnStudy, runVidStudy, LIMITED_METHODS } from './study';
export type { ProgressFactory, BnnStudy, VidStudy } from './study';
export { METHOD_LABELS } from './results';
export { bnnRows, bnnClaims, curveArea } from './results-bnn';
export { vidRows, vidClaims, slopeWithInterval, twoStage } from './results-vid';
export {
  rateDistortionSeries,
  learnerRecords,
  bnnRecords,
  selectionSeries,
  bnnCurveSeries,
  vidRecords,
  twoStageSeries,
  vidTermSeries,
  twoStageRecords,
} from './tables';
