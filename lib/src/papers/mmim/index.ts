// MMIM (Xie & Hou 2021), notebook 000-mmim: Fashion-MNIST, the paper's networks, penalties C1-C6
// and RDM, the two-step method, Table 1 and the paper's claims. Exported as the namespace `mmim`
// (mmim.loadData, mmim.runStudy, mmim.table, ...).
export { PENALTY_KINDS, PENALTY_TERMS, checkPenaltyKind, penaltyRegularizer } from './penalties';
export type { PenaltyKind } from './penalties';
export {
  NETS,
  METHODS,
  METHOD_PENALTY,
  PAPER_TABLE1,
  rowName,
  network,
  runConfiguration,
} from './experiment';
export type {
  Net,
  Method,
  Split,
  Data,
  RunConfig,
  EpochPoint,
  C3EpochPoint,
  RunResult,
} from './experiment';
export { loadData, disposeData } from './data';
export type { DataOptions, DataInfo } from './data';
export { runStudy, finalRuns } from './study';
export type { RunSettings, StudyPlan, Study, StudyOptions } from './study';
export {
  TABLE_NAME,
  TABLE_METRIC,
  table,
  tableRecords,
  pairedRecords,
  ablationRecords,
  tcProbeRecords,
} from './table';
export type { TableRow, Table } from './table';
export { curveSeries } from './curves';
export type { CurveMetric } from './curves';
export {
  identitySides,
  prepareFeatures,
  gaussianLayerTerms,
  knnLayerTerms,
  repeated,
  summarizeIdentity,
  identityOverParts,
  layerIdentityCheck,
  identityTableRows,
} from './identity';
export type {
  IdentityTerms,
  IdentitySides,
  PreparedFeatures,
  PrepareFeaturesOptions,
  KnnTermsOptions,
  Repeated,
  IdentityCheck,
  LayerIdentityOptions,
  LayerIdentityReport,
  IdentityTableRow,
} from './identity';
