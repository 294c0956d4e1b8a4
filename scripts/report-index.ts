// reports/index.html, the landing page. A reader sees first what reproduced and what did not: a
// summary line per notebook, then per notebook the committed paper-scale results (results/, with
// their commit and number of runs), claims before rows, and the last `npm start` run beside them
// as the check that the code still runs. A notebook whose last run failed shows as failed, with
// its one-line reason: scripts/run-notebooks.ts records each outcome in reports/<name>.status.json
// (outside reports/<name>/, which keeps the last complete report when a run fails).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  formatMeanSd,
  formatNumber,
  NOT_RUN_HERE,
  readResults,
  verdictTally,
  type NotRunRow,
  type ResultRow,
  type Results,
} from 'milab';
import { writeFileAtomic } from 'milab/internal';
import { listNotebooks, notebookName, ROOT } from './notebook-runner';

/** The outcome of a notebook's last run by `npm start`. */
export interface RunStatus {
  notebook: string;
  profile: string;
  outcome: 'ok' | 'failed';
  /** ISO time the run ended. */
  finished: string;
  seconds: number;
  /** For a failure: its first line (notebook, cell, error). */
  reason?: string;
}

export function statusFile(reportsRoot: string, notebook: string): string {
  return path.join(reportsRoot, `${notebook}.status.json`);
}

export function writeRunStatus(reportsRoot: string, status: RunStatus): void {
  writeFileAtomic(statusFile(reportsRoot, status.notebook), `${JSON.stringify(status, null, 2)}\n`);
}

/** The recorded outcome, or undefined when none was recorded (or the file is unreadable). */
export function readRunStatus(reportsRoot: string, notebook: string): RunStatus | undefined {
  try {
    const text = fs.readFileSync(statusFile(reportsRoot, notebook), 'utf8');
    const status = JSON.parse(text) as RunStatus;
    return status.outcome === 'ok' || status.outcome === 'failed' ? status : undefined;
  } catch {
    return undefined;
  }
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function verdictCell(verdict: string): string {
  const colour =
    verdict === 'reproduced'
      ? '#1a7f37'
      : verdict === 'not reproduced'
        ? '#cf222e'
        : verdict === NOT_RUN_HERE
          ? '#57606a'
          : '#9a6700';
  return `<td style="color:${colour};font-weight:600;white-space:nowrap">${esc(verdict)}</td>`;
}

/** "n = 3" or "n = 1-3": runs behind each row. */
function runsPerRow(results: Results): string {
  const ns = results.rows.flatMap((r) => (r.ours === null ? [] : [r.ours.n]));
  if (ns.length === 0) return '';
  const [lo, hi] = [Math.min(...ns), Math.max(...ns)];
  return ` · n = ${lo === hi ? lo : `${lo}-${hi}`} runs per row`;
}

function meta(results: Results): string {
  return (
    `profile <b>${esc(results.profile)}</b> · backend ${esc(results.backend)} · ` +
    `commit <code>${esc(results.commit)}</code>${runsPerRow(results)}`
  );
}

function claimsTable(results: Results): string {
  if (results.claims.length === 0) return '';
  const rows = results.claims.map(
    (c) => `<tr><td>${esc(c.claim)}</td>${verdictCell(c.verdict)}<td>${esc(c.evidence)}</td></tr>`,
  );
  return (
    '<table><thead><tr><th>claim</th><th>verdict</th><th>evidence</th></tr></thead>\n' +
    `<tbody>${rows.join('\n')}</tbody></table>`
  );
}

function rowsTable(rows: Array<ResultRow | NotRunRow>): string {
  const body = rows.map((r) => {
    const paper =
      r.paper === null ? '—' : typeof r.paper === 'number' ? formatNumber(r.paper) : esc(r.paper);
    const ours =
      r.ours === null
        ? esc(r.reason)
        : `${formatMeanSd(r.ours)} <span class="n">(n=${r.ours.n})</span>`;
    return (
      `<tr><td>${esc(r.table)}</td><td>${esc(r.row)}</td><td>${esc(r.metric)}</td>` +
      `<td class="num">${paper}</td><td class="num">${ours}</td>${verdictCell(r.verdict)}</tr>`
    );
  });
  return (
    '<table><thead><tr><th>table</th><th>row</th><th>metric</th><th>paper</th>' +
    '<th>ours (mean ± sd)</th><th>verdict</th></tr></thead>\n' +
    `<tbody>${body.join('\n')}</tbody></table>`
  );
}

/** Claims, then the rows that compare with the paper or carry a verdict; measurements with no
 * paper number and no verdict (01-estimators has 45) are folded away so they bury nothing. */
function resultsHtml(results: Results): string {
  const parts = [`<p class="meta">${meta(results)}</p>`, claimsTable(results)];
  const measured = (r: ResultRow | NotRunRow) => r.paper === null && r.verdict === 'inconclusive';
  const headline = results.rows.filter((r) => !measured(r));
  const rest = results.rows.filter(measured);
  if (headline.length > 0) parts.push(rowsTable(headline));
  if (rest.length > 0) {
    const what =
      `${rest.length} ${headline.length > 0 ? 'more ' : ''}measurement` +
      `${rest.length === 1 ? '' : 's'} with no paper number to compare (inconclusive)`;
    parts.push(`<details><summary>${what}</summary>\n${rowsTable(rest)}</details>`);
  }
  return parts.filter(Boolean).join('\n');
}

interface NotebookState {
  name: string;
  committed?: Results;
  committedError?: string;
  status?: RunStatus;
  /** reports/<name>/<name>.html exists: the last complete run's report. */
  report: boolean;
  last?: Results;
  lastError?: string;
}

function load(file: string): { results?: Results; error?: string } {
  if (!fs.existsSync(file)) return {};
  try {
    return { results: readResults(file) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function notebookState(name: string, reportsRoot: string, resultsRoot: string): NotebookState {
  const committed = load(path.join(resultsRoot, `${name}.json`));
  const last = load(path.join(reportsRoot, name, 'results.json'));
  return {
    name,
    committed: committed.results,
    committedError: committed.error,
    status: readRunStatus(reportsRoot, name),
    report: fs.existsSync(path.join(reportsRoot, name, `${name}.html`)),
    last: last.results,
    lastError: last.error,
  };
}

/** The last run in a few words: failed (with its reason), ok, or not run yet. */
function lastRunLine(s: NotebookState): string {
  if (s.status?.outcome === 'failed') {
    const previous = s.report ? '; the report linked is from the last complete run' : '';
    return (
      `<span class="failed">FAILED</span> (${esc(s.status.profile)} profile, ` +
      `${when(s.status.finished)}): ${esc(s.status.reason ?? 'no reason recorded')}${previous}`
    );
  }
  if (s.status) {
    return (
      `ok (${esc(s.status.profile)} profile, ${when(s.status.finished)}, ` +
      `${s.status.seconds.toFixed(0)} s)`
    );
  }
  return s.report ? 'ok (no outcome recorded)' : 'not run yet';
}

function summaryRow(s: NotebookState): string {
  const paper = s.committed
    ? `claims: ${verdictTally(s.committed.claims.map((c) => c.verdict))}; rows: ` +
      `${verdictTally(s.committed.rows.map((r) => r.verdict))} <span class="n">(commit ` +
      `<code>${esc(s.committed.commit)}</code>${runsPerRow(s.committed)})</span>`
    : '<span class="meta">none committed</span>';
  return (
    `<tr><td><a href="#${esc(s.name)}">${esc(s.name)}</a></td><td>${paper}</td>` +
    `<td>${lastRunLine(s)}</td></tr>`
  );
}

function section(s: NotebookState, resultsRoot: string): string {
  const title = s.report
    ? `<a href="${esc(`${s.name}/${s.name}.html`)}">${esc(s.name)}</a> <span class="meta">(<a ` +
      `href="${esc(`${s.name}/${s.name}.ipynb`)}">executed notebook</a>)</span>`
    : esc(s.name);
  const parts = [`<section id="${esc(s.name)}"><h2>${title}</h2>`];
  const committedName = `${path.basename(resultsRoot)}/${s.name}.json`;
  if (s.committed) {
    parts.push(
      `<h3>At the paper's scale: <code>${esc(committedName)}</code></h3>`,
      resultsHtml(s.committed),
    );
  } else if (s.committedError) {
    parts.push(`<p class="meta">${esc(committedName)} unreadable: ${esc(s.committedError)}</p>`);
  }
  parts.push(`<p class="run">Last run: ${lastRunLine(s)}</p>`);
  if (s.last && s.last.profile !== 'full' && s.committed) {
    // A reduced run beside the committed one: the check that the code runs, folded.
    const claims = verdictTally(s.last.claims.map((c) => c.verdict));
    const summary =
      `${esc(s.last.profile)} run: claims ${claims}; ` +
      `rows ${verdictTally(s.last.rows.map((r) => r.verdict))}`;
    parts.push(`<details><summary>${summary}</summary>\n${resultsHtml(s.last)}</details>`);
  } else if (s.last) {
    parts.push(resultsHtml(s.last));
  } else if (s.lastError) {
    parts.push(`<p class="meta">results.json unreadable: ${esc(s.lastError)}</p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

export interface IndexOptions {
  /** Where the committed full-profile results are (default: results/ at the repo root). */
  resultsRoot?: string;
}

/** Write reports/index.html (atomically) for every notebook in notebooks/. Returns its path. */
export function writeIndex(reportsRoot: string, options: IndexOptions = {}): string {
  const resultsRoot = options.resultsRoot ?? path.join(ROOT, 'results');
  const states = listNotebooks().map((file) =>
    notebookState(notebookName(file), reportsRoot, resultsRoot),
  );
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>milab reports</title>
<style>
body{font-family:system-ui,sans-serif;max-width:75em;margin:2em auto;padding:0 1em;color:#1f2328}
h2{font-size:1.2em;margin-top:2.2em} h3{font-size:1em;margin-bottom:.2em}
.meta,.n{color:#656d76;font-size:.9em;font-weight:normal} .failed{color:#cf222e;font-weight:700}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f6f8fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
summary{cursor:pointer;color:#0969da;margin:.4em 0} td a[href^="#"]{white-space:nowrap}
</style></head><body>
<h1>milab: what reproduced</h1>
<p class="meta">Generated ${when(new Date().toISOString())} by <code>npm start</code>. Paper-scale
results are the committed full-profile runs in <code>results/</code> (<code>npm run full</code>);
the last run is the latest <code>npm start</code> (quick profile unless told otherwise), which
checks that each notebook still runs.</p>
<table><thead><tr><th>notebook</th><th>at the paper's scale</th><th>last run</th></tr></thead>
<tbody>
${states.map(summaryRow).join('\n')}
</tbody></table>
${states.map((s) => section(s, resultsRoot)).join('\n')}
</body></html>
`;
  const file = path.join(reportsRoot, 'index.html');
  writeFileAtomic(file, page);
  return file;
}
