// infoplane: the information plane of a network during training, measured with MINE (Tokovenko &
// Rigter's statistics networks, re-initialised or warm-started) and checked against other estimators.
export { buildStatisticsNetwork, sampleWidth, STATISTICS_ARCHITECTURES } from './critics';
export type { SampleShape, StatisticsArchitecture, StatisticsNetworkSpec, StatisticsNetwork } from './critics';
export { DEFAULT_NOISE_SIGMA, inputArchitectures, targetArchitectures, planeArchitecture } from './seed-architectures';
export { standardiseUnits, standardiseGlobally, gaussianChannelCeiling, oneHotLabels, flattenRows } from './prepare';
export { MineMeasurer } from './mine-measurer';
export type { MineMeasurerOptions, MeasureOptions, MineMeasurement } from './mine-measurer';
export { classifyMineRun, epochsToPlateau } from './outcome';
export type { MineOutcome, OutcomeCriterion, OutcomeVerdict } from './outcome';
export { informationPlaneFigure, panelsFigure } from './charts';
export type { InformationPlanePoint, Panel, PanelSeries } from './charts';
export { layerReferences, outcomeCriterion } from './references';
export type { LayerReferences } from './references';
export { runInformationPlane } from './experiment';
export type { PlaneVariable, PlaneEstimator, PlaneExperimentConfig, PlaneData, PlaneRun, PlaneRecord, PlaneProgress } from './experiment';
export {
  spreadOf, referencesAt, runOutcome, estimatesByEpoch, referenceByEpoch, planePoints, orderingVerdict, outcomeCounts, convergenceEpochs,
} from './analysis';
export type { Spread, OrderingCheck } from './analysis';
