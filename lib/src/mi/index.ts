// mi: mutual information estimators. Every value is in nats.
export * from './matrix';
export { digamma } from './special';
export * from './gaussian';
export { ksgMi, DEFAULT_K } from './ksg';
export type { KnnOptions, KsgEstimate } from './ksg';
export { ksgConditionalMi } from './conditional';
export { ksgTotalCorrelation } from './tc';
export { KdTree, kthNeighbourDistances, countNeighboursWithin } from './kdtree';
export * from './binning';
export * from './kde';
export { knnLabelMi, classRows } from './knn-label';
export * from './estimate';
export * from './uncertainty';
export * from './tasks';
export * from './neural';
