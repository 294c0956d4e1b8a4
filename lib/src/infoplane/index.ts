// infoplane: the information plane of a network during training, measured with MINE (Tokovenko &
// Rigter's statistics networks, re-initialised or warm-started) and checked against other estimators.
export { buildStatisticsNetwork, sampleWidth, STATISTICS_ARCHITECTURES } from './critics';
export type { SampleShape, StatisticsArchitecture, StatisticsNetworkSpec, StatisticsNetwork } from './critics';
export { standardizeUnits, standardizeGlobally, gaussianChannelCeiling, oneHotLabels, flattenRows } from './prepare';
export { MineMeasurer } from './mine-measurer';
export type { MineMeasurerOptions, MeasureOptions, MineMeasurement } from './mine-measurer';
export { classifyMineRun, epochsToPlateau } from './outcome';
export type { MineOutcome, OutcomeCriterion, OutcomeVerdict } from './outcome';
export { informationPlaneFigure, panelsFigure } from './charts';
export type { InformationPlanePoint, Panel, PanelSeries } from './charts';
export { layerReferences, outcomeCriterion } from './references';
export type { LayerReferences } from './references';
