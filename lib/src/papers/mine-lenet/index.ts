// MINE on LeNet-5 (Tokovenko & Rigter), notebook 004-mine-lenet: the paper's statistics networks,
// the information-plane experiment, Tables 2-3 and Figures 1-5.
export { DEFAULT_NOISE_SIGMA, inputArchitectures, targetArchitectures, planeArchitecture } from './architectures';
export { runInformationPlane } from './experiment';
export type {
  PlaneVariable, PlaneEstimator, PlaneExperimentConfig, PlaneData, PlaneRun, PlaneRecord, PlaneProgress,
} from './experiment';
export {
  spreadOf, referencesAt, runOutcome, estimatesByEpoch, referenceByEpoch, planePoints, orderingVerdict, outcomeCounts,
  convergenceEpochs,
} from './analysis';
export type { Spread, OrderingCheck } from './analysis';
