// The shared results format: one JSON file per notebook run, read by reports/index.html and, for
// the full profile, committed under results/. The shape is checked strictly so that every notebook
// writes the same thing:
// {"notebook","profile","backend","commit",
//  "rows":[{"table","row","metric","paper","ours":{"mean","sd","n"},"verdict"}],
//  "claims":[{"claim","verdict","evidence"}]}
// A row the paper reports but this machine cannot run (data not available offline, hardware) stays
// in the table, as {"table","row","metric","paper","ours":null,"verdict":"not run here","reason"}:
// a gap is never silent.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatMeanSd, type Summary } from './summary';
import { inputError } from '../errors';
import { checkNotebookName, projectRoot, reportDir, resultsRoot, writeFileAtomic } from './paths';
import { PROFILES, profile, type Profile } from './profile';
import { resultsBackend } from './provenance';

export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive';
export const VERDICTS: readonly Verdict[] = ['reproduced', 'not reproduced', 'inconclusive'];

export interface ResultRow {
  /** The paper's table or figure, e.g. 'Table 1'. */
  table: string;
  /** The row as the paper names it, e.g. 'DNN with MMIM'. */
  row: string;
  /** What is measured, with its unit, e.g. 'test accuracy %'. */
  metric: string;
  /** The paper's number, a string when it reports no plain number, null when it reports none. */
  paper: number | string | null;
  ours: Summary;
  verdict: Verdict;
}

/** A row of the paper's tables that was not run here, and why (e.g. 'data not available
 * offline'). */
export interface NotRunRow {
  table: string;
  row: string;
  metric: string;
  paper: number | string | null;
  ours: null;
  verdict: typeof NOT_RUN_HERE;
  reason: string;
}

export const NOT_RUN_HERE = 'not run here';

/** "3 reproduced, 1 not run here": how many of each verdict occur, in a fixed order, or 'none'. */
export function verdictTally(verdicts: ReadonlyArray<Verdict | typeof NOT_RUN_HERE>): string {
  const parts = [...VERDICTS, NOT_RUN_HERE]
    .map((v) => [v, verdicts.filter((x) => x === v).length] as const)
    .filter(([, count]) => count > 0)
    .map(([v, count]) => `${count} ${v}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** A row that says the paper's number could not be checked here, and why. */
export function notRunRow(
  row: Omit<NotRunRow, 'ours' | 'verdict' | 'reason'>,
  reason: string,
): NotRunRow {
  return { ...row, ours: null, verdict: NOT_RUN_HERE, reason };
}

export interface Claim {
  claim: string;
  verdict: Verdict;
  /** One or two sentences: the numbers or test behind the verdict. */
  evidence: string;
}

export interface Results {
  notebook: string;
  profile: Profile;
  backend: string;
  commit: string;
  rows: Array<ResultRow | NotRunRow>;
  claims: Claim[];
}

export interface ResultsInput {
  /** The notebook's name without .ipynb, e.g. '000-mmim'. */
  notebook: string;
  rows: Array<ResultRow | NotRunRow>;
  claims?: Claim[];
  /** Defaults to what the notebook's runs ran on (report/provenance.ts), else the active backend's
   * name. */
  backend?: string;
}

export interface WrittenResults {
  results: Results;
  /** reports/<notebook>/results.json */
  path: string;
  /** results/<notebook>.json, written for the full profile only. */
  committedPath?: string;
}

/** Validate, stamp (profile, backend, commit) and write the notebook's results atomically. */
export function writeResults(input: ResultsInput): WrittenResults {
  if (input === null || typeof input !== 'object')
    inputError('writeResults needs { notebook, rows, claims? }');
  const ran = resultsBackend(input.notebook);
  const results = validateResults({
    notebook: input.notebook,
    profile: profile(),
    backend: input.backend ?? ran.backend,
    commit: currentCommit(),
    rows: input.rows,
    claims: input.claims ?? [],
  });
  if (ran.warning) console.warn(`milab: warning: ${ran.warning}`);
  const text = JSON.stringify(results, null, 2) + '\n';
  const file = path.join(reportDir(results.notebook), 'results.json');
  writeFileAtomic(file, text);
  if (results.profile !== 'full') return { results, path: file };
  const committedPath = path.join(resultsRoot(), `${results.notebook}.json`);
  writeFileAtomic(committedPath, text);
  return { results, path: file, committedPath };
}

export function readResults(file: string): Results {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    inputError(`cannot read results ${file}: ${(err as Error).message}`);
  }
  try {
    return validateResults(parsed);
  } catch (err) {
    return inputError(`${file}: ${(err as Error).message}`);
  }
}

/** The committed full-profile results of a notebook (results/<notebook>.json), or undefined while
 * none are committed. A quick run shows them beside its own numbers. */
export function committedResults(notebook: string): Results | undefined {
  const file = path.join(resultsRoot(), `${checkNotebookName(notebook)}.json`);
  return fs.existsSync(file) ? readResults(file) : undefined;
}

/** One flat record per row, for showTable: ours as mean ± sd and the number of runs. */
export function resultRecords(results: Results): Array<Record<string, string | number>> {
  return results.rows.map((r) => ({
    table: r.table,
    row: r.row,
    metric: r.metric,
    paper: r.paper ?? '',
    ours: r.ours === null ? `not run here: ${r.reason}` : formatMeanSd(r.ours),
    n: r.ours === null ? 0 : r.ours.n,
    verdict: r.verdict,
  }));
}

/** Check the exact shape; the first problem is reported in one line naming where it is. */
export function validateResults(value: unknown): Results {
  const r = object(value, 'results', [
    'notebook',
    'profile',
    'backend',
    'commit',
    'rows',
    'claims',
  ]);
  checkNotebookName(r.notebook as string);
  oneOf(r.profile, PROFILES, 'profile');
  text(r.backend, 'backend');
  text(r.commit, 'commit');
  if (!Array.isArray(r.rows)) inputError(`rows must be an array, got ${describe(r.rows)}`);
  if (!Array.isArray(r.claims)) inputError(`claims must be an array, got ${describe(r.claims)}`);
  r.rows.forEach((raw, i) => {
    const at = `rows[${i}]`;
    const notRun = (raw as { verdict?: unknown } | null)?.verdict === NOT_RUN_HERE;
    const fields = ['table', 'row', 'metric', 'paper', 'ours', 'verdict'];
    const row = object(raw, at, notRun ? [...fields, 'reason'] : fields);
    for (const key of ['table', 'row', 'metric'] as const) text(row[key], `${at}.${key}`);
    const paper = row.paper;
    if (
      paper !== null &&
      typeof paper !== 'string' &&
      !(typeof paper === 'number' && Number.isFinite(paper))
    ) {
      inputError(`${at}.paper must be a finite number, a string or null, got ${describe(paper)}`);
    }
    if (notRun) {
      if (row.ours !== null)
        inputError(`${at}.ours must be null for a row not run here, got ${describe(row.ours)}`);
      text(row.reason, `${at}.reason`);
      return;
    }
    const ours = object(row.ours, `${at}.ours`, ['mean', 'sd', 'n']);
    finite(ours.mean, `${at}.ours.mean`);
    finite(ours.sd, `${at}.ours.sd`);
    if ((ours.sd as number) < 0) inputError(`${at}.ours.sd must be >= 0, got ${ours.sd}`);
    if (!Number.isInteger(ours.n) || (ours.n as number) < 1)
      inputError(`${at}.ours.n must be an integer >= 1, got ${describe(ours.n)}`);
    oneOf(row.verdict, [...VERDICTS, NOT_RUN_HERE], `${at}.verdict`);
  });
  r.claims.forEach((raw, i) => {
    const at = `claims[${i}]`;
    const claim = object(raw, at, ['claim', 'verdict', 'evidence']);
    text(claim.claim, `${at}.claim`);
    oneOf(claim.verdict, VERDICTS, `${at}.verdict`);
    text(claim.evidence, `${at}.evidence`);
  });
  return r as unknown as Results;
}

function object(value: unknown, at: string, keys: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    inputError(`${at} must be an object, got ${describe(value)}`);
  const record = value as Record<string, unknown>;
  for (const key of keys)
    if (!(key in record) || record[key] === undefined) inputError(`${at}.${key} is missing`);
  for (const key of Object.keys(record)) {
    if (!keys.includes(key))
      inputError(`${at} has unknown field '${key}' (expected ${keys.join(', ')})`);
  }
  return record;
}

function text(value: unknown, at: string): void {
  if (typeof value !== 'string' || value.trim() === '')
    inputError(`${at} must be a non-empty string, got ${describe(value)}`);
}

function finite(value: unknown, at: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    inputError(`${at} must be a finite number, got ${describe(value)}`);
}

function oneOf(value: unknown, allowed: readonly string[], at: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    inputError(
      `${at} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** The commit of the code this process runs: read once, when the library loads. Reading it when a
 * result is written would name whatever was checked out hours later, after a long run. */
const commitAtLoad = readCommit();

/** The commit checked out when this process loaded milab (short), '+dirty' when tracked files
 * differed from it; 'unknown' without git. */
export function currentCommit(): string {
  return commitAtLoad;
}

function readCommit(): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: projectRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const head = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}+dirty`;
  } catch {
    return 'unknown';
  }
}
