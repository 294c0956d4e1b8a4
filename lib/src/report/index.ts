// report: profiles, the shared results format, report folders and resumable runs.
export { profile, perProfile, PROFILES } from './profile';
export type { Profile } from './profile';
export { reportDir, resultsRoot } from './paths';
export { summarize, summarizeFinite, formatMeanSd, formatNumber } from './summary';
export type { Summary } from './summary';
export {
  writeResults,
  readResults,
  currentCommit,
  committedResults,
  resultRecords,
  notRunRow,
  verdictTally,
  VERDICTS,
  NOT_RUN_HERE,
} from './results';
export type {
  Verdict,
  ResultRow,
  NotRunRow,
  Claim,
  Results,
  ResultsInput,
  WrittenResults,
} from './results';
export { runOnce, runMany, runCacheDir } from './runs';
export { runName, renameStoredRuns } from './runs';
export type { RunJob, StoredRunsStatus } from './runs';
export { pairedComparison, mcnemarTest, holmAdjust } from './paired-stats';
export { clusterBootstrap } from './resampling';
export { pairsDifferingInOneFactor, scorePairs } from './pair-prediction';
export type { ModelRecord, ModelPair, PairScore } from './pair-prediction';
export type { ClusterBootstrap } from './resampling';
export type { PairedComparison } from './paired-stats';
export {
  MIN_SEEDS_FOR_VERDICT,
  judgeBaselineRow,
  judgeImprovementRow,
  judgeBeatsBaseline,
  combineVerdicts,
  judgeNonInferior,
} from './verdicts';
export type { JudgedComparison, NonInferiority, NonInferiorityJudgement } from './verdicts';
export { showCommittedResults } from './committed';
