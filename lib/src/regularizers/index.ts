// regularizers: information terms for a model's training loss, under one contract (MiRegularizer):
// variational bounds on I(X;Y) (bound.ts), terms of a hidden layer and a label combined with signs
// (layer-terms.ts, layer-regularizer.ts) and their estimates on fixed features, and a
// Bayes-by-backprop layer whose KL to the prior bounds the information its weights store.
export type { MiRegularizer } from './regularizer';
export { NeuralMiLowerBound, NeuralMiUpperBound } from './bound';
export type {
  MiBoundRegularizer,
  NeuralMiLowerBoundOptions,
  NeuralMiUpperBoundOptions,
} from './bound';
export {
  LAYER_TERM_NAMES,
  TotalCorrelationTerm,
  ConditionalTotalCorrelationTerm,
  labelEntropy,
  UnitLabelInformationTerm,
  LabelInformationTerm,
  createLayerTerm,
} from './layer-terms';
export type { LayerTermName, BatchLabels, LayerTermOptions, LayerTerm } from './layer-terms';
export { LayerMiRegularizer } from './layer-regularizer';
export type { LayerTermSigns, LayerRegularizerOptions } from './layer-regularizer';
export { estimateLayerInformation } from './layer-information';
export type { LayerTermEstimate, LayerTermEstimateOptions } from './layer-information';
export { BayesLastLayer, trainBayesLastLayer } from './bayes-last-layer';
export { BETA_BNN_VARIANTS, trainBetaBnn } from './beta-bnn';
export { kdLoss, LinearRegressor, fitnetLoss, VidHead, vidTerms, vidLoss } from './distill';
export type { VidTerms } from './distill';
export type {
  BetaBnnVariant,
  BetaBnnConfig,
  BetaBnnEpoch,
  BetaBnnResult,
  BetaBnnData,
} from './beta-bnn';
export type {
  BayesLastLayerOptions,
  DenseWeights,
  BayesLayerTrainingOptions,
  BayesLayerEpoch,
} from './bayes-last-layer';
export { columnPermutations, stratifiedColumnPermutations, shuffleColumns } from './column-shuffle';
export type { ColumnPermutations } from './column-shuffle';
