// nn: seeded classifiers whose forward pass returns every named activation, and their training
// loop.
export { Classifier } from './classifier';
export type { Activations, NamedLayer, ForwardOptions, StepSeedSource } from './classifier';
export { StepDropout, InitSeeds } from './layers';
export { FusedAdam } from './adam';
export { mlpClassifier, lenet5, smallCnn, textCnn, textGru } from './models';
export type {
  ModelOptions,
  MlpClassifierOptions,
  TextModelOptions,
  HiddenActivation,
} from './models';
export {
  trainClassifier,
  evaluateAccuracy,
  evaluateClassifier,
  collectActivations,
  snapshotWeights,
} from './train';
export { ClassifierTrainer } from './trainer';
export type { TrainerOptions, StepResult } from './trainer';
export type {
  ClassifierData,
  StepBatch,
  EpochSummary,
  TrainHistory,
  TrainClassifierOptions,
} from './train';
