// report: profiles, the shared results format, report folders and resumable runs.
export { profile, perProfile, PROFILES } from './profile';
export type { Profile } from './profile';
export { reportDir, reportsRoot, resultsRoot, writeFileAtomic } from './paths';
export { writeResults, readResults, validateResults, summarize, currentCommit, committedResults, resultRecords, VERDICTS } from './results';
export type { Verdict, Summary, ResultRow, Claim, Results, ResultsInput, WrittenResults } from './results';
export { runOnce, runMany, runCacheDir, storedRunsStatus, processAlive } from './runs';
export type { RunJob, StoredRunsStatus } from './runs';
export * from './paired-stats';
