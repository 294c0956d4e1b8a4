// regularisers: information-theoretic penalties on hidden layers (MMIM's C4/C5/C6, RDM, C1), the
// Bayes-by-backprop last layer for MMIM's step 2 (C3), and paired statistics for comparing methods.
export * from './column-shuffle';
export * from './layer-terms';
export * from './layer-regularizer';
export * from './bayes-last-layer';
export * from './layer-information';
export * from './bound';
