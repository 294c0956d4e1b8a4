// reports/index.html: one section per notebook in notebooks/, linking its executed notebook and
// HTML export, with its headline table (paper vs ours vs verdict) and claims from results.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readResults, type Results } from 'milab';
import { listNotebooks, notebookName } from './notebook-runner';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function num(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : String(Number(x.toPrecision(4)));
}

function verdictCell(verdict: string): string {
  const colour = verdict === 'reproduced' ? '#1a7f37' : verdict === 'not reproduced' ? '#cf222e' : '#9a6700';
  return `<td style="color:${colour};font-weight:600">${esc(verdict)}</td>`;
}

function resultsHtml(results: Results): string {
  const parts = [
    `<p class="meta">profile <b>${esc(results.profile)}</b> · backend ${esc(results.backend)} · commit ${esc(results.commit)}</p>`,
  ];
  if (results.rows.length > 0) {
    const rows = results.rows.map((r) => {
      const paper = r.paper === null ? '—' : typeof r.paper === 'number' ? num(r.paper) : esc(r.paper);
      const ours = `${num(r.ours.mean)} ± ${num(r.ours.sd)} <span class="n">(n=${r.ours.n})</span>`;
      return `<tr><td>${esc(r.table)}</td><td>${esc(r.row)}</td><td>${esc(r.metric)}</td><td class="num">${paper}</td><td class="num">${ours}</td>${verdictCell(r.verdict)}</tr>`;
    });
    parts.push(
      '<table><thead><tr><th>table</th><th>row</th><th>metric</th><th>paper</th><th>ours (mean ± sd)</th><th>verdict</th></tr></thead>',
      `<tbody>${rows.join('\n')}</tbody></table>`,
    );
  }
  if (results.claims.length > 0) {
    const claims = results.claims.map(
      (c) => `<tr><td>${esc(c.claim)}</td>${verdictCell(c.verdict)}<td>${esc(c.evidence)}</td></tr>`,
    );
    parts.push('<table><thead><tr><th>claim</th><th>verdict</th><th>evidence</th></tr></thead>', `<tbody>${claims.join('\n')}</tbody></table>`);
  }
  return parts.join('\n');
}

function section(name: string, reportsRoot: string): string {
  const dir = path.join(reportsRoot, name);
  const html = path.join(dir, `${name}.html`);
  if (!fs.existsSync(html)) return `<section><h2>${esc(name)}</h2><p class="meta">not run yet</p></section>`;
  const links = `<a href="${esc(`${name}/${name}.html`)}">${esc(name)}</a> <span class="meta">(<a href="${esc(`${name}/${name}.ipynb`)}">executed notebook</a>, ${new Date(fs.statSync(html).mtime).toISOString().slice(0, 16).replace('T', ' ')} UTC)</span>`;
  const resultsFile = path.join(dir, 'results.json');
  let body = '';
  if (fs.existsSync(resultsFile)) {
    try {
      body = resultsHtml(readResults(resultsFile));
    } catch (err) {
      body = `<p class="meta">results.json unreadable: ${esc((err as Error).message)}</p>`;
    }
  }
  return `<section><h2>${links}</h2>\n${body}</section>`;
}

/** Write reports/index.html (atomically) for every notebook in notebooks/. Returns its path. */
export function writeIndex(reportsRoot: string): string {
  const sections = listNotebooks().map((file) => section(notebookName(file), reportsRoot));
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>milab reports</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;color:#1f2328}
h2{font-size:1.15em;margin-top:2em} .meta,.n{color:#656d76;font-size:.9em;font-weight:normal}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em} th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left}
th{background:#f6f8fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
</style></head><body>
<h1>milab: notebook reports</h1>
<p class="meta">Generated ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by <code>npm start</code>. Each notebook links to its HTML export; its table compares the paper's numbers with ours.</p>
${sections.join('\n')}
</body></html>
`;
  const file = path.join(reportsRoot, 'index.html');
  fs.mkdirSync(reportsRoot, { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, page);
  fs.renameSync(temp, file);
  return file;
}
