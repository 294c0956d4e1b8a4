// nn: seeded classifiers whose forward pass returns every named activation, and their training
// loop.
export { Classifier } from './classifier';
export type { Activations, NamedLayer, ForwardOptions, StepSeedSource } from './classifier';
export { StepDropout, StepSeededLayer, StepRateLayer, InitSeeds } from './layers';
export { StepAlphaDropout, StepGaussianDropout, StepSpatialDropout1D } from './dropout';
export type { DropoutKind } from './dropout';
export { UnitMask, SubsetDropout } from './unit-masks';
export { cloneClassifier, insertLayerAfter, pruneDenseUnits, reinitDenseUnits } from './surgery';
export type { ReinitOptions } from './surgery';
export { selectPruneFraction, keepHighestScoring } from './pruning';
export type { PruneCandidate } from './pruning';
export { FusedAdam } from './adam';
export {
  mlpClassifier,
  lenet5,
  smallCnn,
  cnnClassifier,
  textCnn,
  textGru,
  textBag,
  bayesMlp,
} from './models';
export {
  BayesDense,
  bayesLayers,
  bayesParameterCount,
  gaussianKl,
  posteriorSd,
  MIN_SD,
} from './bayes-dense';
export type { BayesDenseConfig } from './bayes-dense';
export {
  snapshotPosterior,
  gaussianSnapshot,
  disposeSnapshot,
  posteriorKl,
  mixtureKl,
} from './bayes-priors';
export type { PosteriorSnapshot, MixtureKlOptions } from './bayes-priors';
export { PadMaskedEmbedding, MaskedMeanPool } from './text-layers';
export type {
  ModelOptions,
  DropoutOptions,
  MlpClassifierOptions,
  CnnClassifierOptions,
  TextModelOptions,
  TextBagOptions,
  BayesMlpOptions,
  HiddenActivation,
} from './models';
export {
  trainClassifier,
  evaluateAccuracy,
  evaluateClassifier,
  collectActivations,
  snapshotWeights,
} from './train';
export { encodeWeights, restoreWeights } from './weights-json';
export type { EncodedTensor } from './weights-json';
export { ClassifierTrainer } from './trainer';
export type { TrainerOptions, StepResult } from './trainer';
export type {
  ClassifierData,
  StepBatch,
  EpochSummary,
  TrainHistory,
  TrainClassifierOptions,
} from './train';
export { makeOptimizer, OPTIMIZER_NAMES } from './optimizers';
export type { OptimizerSpec } from './optimizers';
export { weightPenalty, kernelVariables } from './penalties';
