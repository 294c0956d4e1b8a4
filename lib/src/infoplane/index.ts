// infoplane: the information plane of a network during training. A recorder trains a classifier and
// measures chosen layers at chosen epochs with any measurers (binning, the KDE bracket, MINE, or
// your own); MINE's statistics networks, re-initialised or warm-started, with the preparation of
// both sides (standardisation, noise ceilings); references a MINE value can be checked against; a
// stated classification of MINE runs (converged, exploded, underestimated, not converged); and the
// plane's charts.
export {
  buildStatisticsNetwork,
  sampleWidth,
  statisticsNetworkSpec,
  STATISTICS_ARCHITECTURES,
} from './critics';
export type {
  SampleShape,
  StatisticsArchitecture,
  StatisticsNetworkSpec,
  StatisticsNetwork,
} from './critics';
export {
  standardizeUnits,
  standardizeGlobally,
  standardizeInputRows,
  gaussianChannelCeiling,
  oneHotLabels,
  flattenRows,
} from './prepare';
export { MineMeasurer } from './mine-measurer';
export type { MineMeasurerOptions, MeasureOptions, MineMeasurement } from './mine-measurer';
export { recordInformationPlane } from './recorder';
export { saturationCurve } from './saturation';
export type { SaturationPoint } from './saturation';
export type {
  PlaneContext,
  PlaneMeasurement,
  PlaneMeasurer,
  PlaneEntry,
  PlaneRecording,
  RecorderConfig,
  RecorderData,
  RecorderProgress,
} from './recorder';
export {
  binningMeasurer,
  kdeMeasurer,
  referencesMeasurer,
  minePlaneMeasurer,
  mineRunDetails,
  PlaneSides,
} from './measurers';
export type {
  MeasurerScope,
  BinningMeasurerOptions,
  KdeMeasurerOptions,
  ReferencesMeasurerOptions,
  MinePlaneMeasurerOptions,
  MineRunDetails,
  PlaneVariable,
} from './measurers';
export { classifyMineRun, epochsToPlateau } from './outcome';
export type { MineOutcome, OutcomeCriterion, OutcomeVerdict } from './outcome';
export { informationPlaneFigure, panelsFigure } from './charts';
export type { InformationPlanePoint, Panel, PanelSeries } from './charts';
export { layerReferences, outcomeCriterion } from './references';
export type { LayerReferences } from './references';
