// Neural MI (torch-mist style: bounds, critics and the training loop are separate pieces):
//   bounds.ts      variational lower bounds as pure functions of critic scores
//   critics.ts     joint and separable critics, negatives (all pairs or shuffles)
//   objectives.ts  a named bound with its state (MINE's moving average, learned baselines)
//   train.ts       Adam, held-out early stopping, training curve, divergence guards
//   estimators.ts  one-call estimates: mine, nwj, infonce, smile, js, tuba, alpha (neuralMi)
//   multivariate.ts neural conditional MI (discrete z) and total correlation
//   upper.ts, ba.ts CLUB / L1Out upper bounds and the Barber-Agakov bound (Gaussian q)
// Registering them with the estimator registry happens in register.ts (imported for its effect).
import './register';

export {
  dvBound,
  mineBound,
  MineEma,
  nwjBound,
  tubaBound,
  infonceBound,
  jsBound,
  jsFganObjective,
  smileBound,
  interpolatedBound,
  scoresFromMatrix,
  concatScores,
  logSumExp,
} from './bounds';
export type { CriticScores } from './bounds';
export { Mlp, BatchedMlp, ACTIVATIONS } from './mlp';
export type { Activation, MlpOptions } from './mlp';
export {
  JointCritic,
  SeparableCritic,
  createCritic,
  criticScores,
  permuteRows,
  derangement,
  CRITIC_KINDS,
  NEGATIVE_KINDS,
} from './critics';
export type { Critic, CriticChoice, CriticKind, CriticOptions, Negatives } from './critics';
export { LowerBoundObjective, LOWER_BOUND_NAMES } from './objectives';
export type { LowerBoundName, BoundOptions } from './objectives';
export { trainToPlateau, clipByGlobalNorm, NeuralTrainingError, MI_BOUND_LIMITS } from './train';
export type {
  TrainOptions,
  TrainTask,
  TrainReport,
  CurvePoint,
  ProgressCallback,
  ProgressInfo,
  DivergenceLimits,
} from './train';
export { NEURAL_MIN_ROWS, MIN_HELD_OUT_ROWS } from './estimators';
export { neuralMi, neuralMiOnStream } from './estimators';
export { mine, nwj, infonce, smile, js, tuba, alpha } from './estimators';
export type {
  NeuralMiOptions,
  NeuralMiResult,
  BatchSampler,
  StreamOptions,
  StreamResult,
} from './estimators';
export { neuralConditionalMi, neuralTotalCorrelation } from './multivariate';
export type { NeuralTcOptions, NeuralCmiOptions } from './multivariate';
export {
  GaussianConditional,
  clubBound,
  l1outBound,
  neuralUpperBound,
  UPPER_BOUND_NAMES,
} from './upper';
export type {
  UpperBoundName,
  NeuralUpperBoundOptions,
  NeuralUpperBoundResult,
  GaussianConditionalOptions,
} from './upper';
export { GaussianRegression, baLowerBound, barberAgakov, gaussianEntropy } from './ba';
export type { GaussianRegressionOptions, BarberAgakovOptions, BarberAgakovResult } from './ba';
