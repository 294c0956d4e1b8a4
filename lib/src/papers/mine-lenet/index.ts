// MINE on LeNet-5 (Tokovenko & Rigter), notebook 004-mine-lenet: the paper's numbers and claims,
// its statistics networks, the profiles, the experiment on the information-plane recorder, and the
// tables, verdicts and results the notebook shows. Exported as the namespace `mineLenet`.
export {
  NOTEBOOK,
  LAYERS,
  LAYER_LABELS,
  layerLabel,
  PAPER_ACCURACY,
  PAPER_LEARNING_RATE,
  PAPER_TABLE2,
  ORDERINGS,
  CHAIN_CLAIM,
  STABILITY_CLAIM,
  TRANSFER_CLAIM,
  PAPER_EPOCHS_TO_CONVERGE,
} from './paper';
export type { Table2Row, Ordering } from './paper';
export {
  DEFAULT_NOISE_SIGMA,
  ARCHITECTURES,
  inputArchitectures,
  targetArchitectures,
  planeArchitecture,
} from './architectures';
export { runInformationPlane } from './experiment';
export type {
  PlaneEstimator,
  PlaneExperimentConfig,
  PlaneData,
  PlaneRun,
  PlaneRecord,
  PlaneProgress,
} from './experiment';
export {
  referencesAt,
  runOutcome,
  estimatesByEpoch,
  referenceByEpoch,
  planePoints,
  orderingVerdict,
  outcomeCounts,
  convergenceEpochs,
  median,
} from './analysis';
export type { EpochSummary, OrderingCheck } from './analysis';
export {
  MIN_RUNS_FOR_VERDICT,
  ACCURACY_TOLERANCE,
  accuracyVerdict,
  table2Verdict,
  MIN_RUNS_FOR_STABILITY,
  stabilityVerdict,
  transferVerdict,
  freshRowVerdict,
  warmRowVerdict,
} from './verdicts';
export type { Stability } from './verdicts';
export { CONFIGS, paperScale, describeConfig } from './profiles';
export type { ProfileConfig } from './profiles';
export {
  loadData,
  runKey,
  planRun,
  OPTIMIZER_CANDIDATES,
  optimizerPlan,
  optimizerJobs,
  compareOptimizers,
  chooseOptimizer,
  optimizerTable,
  estimators,
  sweepName,
  experimentPlan,
  seedJobs,
  runSeeds,
} from './study';
export type { ProgressFactory, LoadedData, OptimizerTrial, OptimizerComparison } from './study';
export {
  accuracyByEpoch,
  accuracyRows,
  accuracyTable,
  accuracySeries,
  plane,
  estimatorPanels,
  estimatorPanelsTitle,
  table2,
  studyPanels,
  sweepSigmas,
  sweepTable,
  stabilityOf,
  stability,
  stabilityTable,
  transfer,
  transferPanels,
  transferTable,
  transferRows,
  claims,
  results,
  findings,
} from './results';
export type { Table2, Transfer, Claims } from './results';
