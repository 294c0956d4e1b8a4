// mi: mutual information estimators. Every value is in nats. Public names only; the helpers the
// estimators share (matrix plumbing, option checks) are in ../internal.ts for tests.
export { matrix, column, standardize } from './matrix';
export type { Matrix, SampleInput } from './matrix';
export { digamma } from './special';
export { gaussianMi, gaussianConditionalMi, gaussianTotalCorrelation } from './gaussian';
export type { GaussianEstimate } from './gaussian';
export { ksgMi, DEFAULT_K } from './ksg';
export type { KnnOptions, KsgEstimate } from './ksg';
export { ksgConditionalMi } from './conditional';
export { ksgTotalCorrelation } from './tc';
export { KdTree, kthNeighbourDistances, countNeighboursWithin } from './kdtree';
export {
  discreteEntropy,
  discreteMi,
  binnedMi,
  discreteConditionalMi,
  binnedConditionalMi,
  miFromJointTable,
  binnedLayerInformation,
} from './binning';
export type {
  PlugInOptions,
  DiscreteEstimate,
  BinningOptions,
  BinnedEstimate,
  BinnedLayerOptions,
  BinnedLayerInformation,
} from './binning';
export { kdeMi, kdeLayerBounds } from './kde';
export type { KdeOptions, KdeEstimate, LayerBoundsOptions, LayerBounds } from './kde';
export { knnLabelMi } from './knn-label';
export { unitLabelMi } from './unit-label';
export type { UnitLabelMiOptions } from './unit-label';
export {
  estimate,
  registerEstimator,
  estimatorNames,
  estimatorSpec,
  KDE_MAX_ROWS,
} from './estimate';
export type {
  EstimateProgress,
  EstimateOptions,
  MiResult,
  MiEstimate,
  EstimatorFn,
  ConditionalEstimatorFn,
  EstimatorSpec,
  RegisteredEstimator,
} from './estimate';
export { permutationTest, bootstrapCi, MIN_PERMUTATIONS } from './uncertainty';
export type {
  Resampling,
  PermutationOptions,
  PermutationResult,
  BootstrapOptions,
  BootstrapResult,
  EstimatorRef,
} from './uncertainty';
export {
  gaussianMiForRho,
  rhoForMi,
  correlatedGaussianTask,
  gaussianTaskWithMi,
  staircaseTasks,
  cubicTask,
  independentTask,
  additiveTask,
  discreteTableTask,
  conditionalGaussianTask,
  gaussianTcTask,
} from './tasks';
export type { TaskSample, MiTask, TcTask, ConditionalTask } from './tasks';
export * from './neural';
export * from './discrete';
