// report: profiles, the shared results format, report folders and resumable runs.
export { profile, perProfile, PROFILES } from './profile';
export type { Profile } from './profile';
export { reportDir, reportsRoot, resultsRoot, writeFileAtomic } from './paths';
export { summarize, summarizeFinite, formatMeanSd, formatNumber } from './summary';
export type { Summary } from './summary';
export { writeResults, readResults, validateResults, currentCommit, committedResults, resultRecords, VERDICTS } from './results';
export type { Verdict, ResultRow, Claim, Results, ResultsInput, WrittenResults } from './results';
export { runOnce, runMany, runCacheDir, storedRunsStatus, processAlive } from './runs';
export { runName, storedRunFileName, renameStoredRuns } from './runs';
export type { RunJob, StoredRunsStatus } from './runs';
export * from './paired-stats';
export * from './verdicts';
export { showCommittedResults } from './committed';
