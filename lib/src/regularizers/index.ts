// regularizers: information terms for a model's training loss, under one contract (MiRegularizer):
// variational bounds on I(X;Y) (bound.ts), terms of a hidden layer and a label combined with signs
// (layer-terms.ts, layer-regularizer.ts) and their estimates on fixed features, and a
// Bayes-by-backprop layer whose KL to the prior bounds the information its weights store.
export * from './regularizer';
export * from './column-shuffle';
export * from './layer-terms';
export * from './layer-regularizer';
export * from './bayes-last-layer';
export * from './layer-information';
export * from './bound';
