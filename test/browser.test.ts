// The HTML export of an executed notebook renders its Plotly chart offline in headless Chromium
// (Debian's `chromium`, driven by playwright-core): the chart's SVG must exist, not just its div.
// Skipped only when Chromium is absent outside CI; in CI (CI=true) a missing Chromium fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, runNotebook } from '../scripts/notebook-runner';

const CHROMIUM = process.env.MILAB_CHROMIUM || '/usr/bin/chromium';
const inCi = /^(1|true)$/i.test(process.env.CI ?? '');
const missing = !fs.existsSync(CHROMIUM);
const skip = missing && !inCi ? `Chromium not found at ${CHROMIUM} (install it: apt-get install chromium)` : false;

// Inside the repository so that tslab resolves 'milab' from the notebook's folder.
function tinyNotebook(dir: string): string {
  const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      cell("import { showPlot, lineChart } from 'milab';"),
      cell("showPlot(lineChart([{ name: 'loss', y: [3, 2, 1.5, 1.2] }], { title: 'Browser test' }));"),
      cell("showPlot({ data: [{ type: 'bar', name: 'bars', x: ['a', 'b'], y: [1, 2] }] });"),
    ],
  };
  const file = path.join(dir, '99-browser.ipynb');
  fs.writeFileSync(file, JSON.stringify(notebook));
  return file;
}

test('the HTML export renders Plotly charts offline in headless Chromium', { skip }, async () => {
  assert.ok(!missing, `Chromium is required in CI but missing at ${CHROMIUM}`);
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, '.cache', 'browser-test-'));
  try {
    const run = await runNotebook(tinyNotebook(dir), { profile: 'smoke', reportsRoot: path.join(dir, 'reports'), log: () => {} });
    const executed = JSON.parse(fs.readFileSync(run.ipynb, 'utf8')) as { cells: Array<{ outputs: Array<{ data?: Record<string, unknown> }> }> };
    const figure = executed.cells[1].outputs[0].data?.['application/vnd.plotly.v1+json'] as { data: Array<{ y: number[] }> };
    assert.deepEqual(figure.data[0].y, [3, 2, 1.5, 1.2], 'the executed notebook holds the figure as a JSON object');

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      // Offline: only the exported file itself may load (CDN scripts of the template are refused).
      await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
      await page.goto(`file://${run.html}`, { waitUntil: 'load' });
      await page.waitForSelector('.milab-plot .main-svg', { timeout: 30_000 });
      const charts = await page.$$eval('.milab-plot', (divs) =>
        divs.map((d) => ({ svgs: d.querySelectorAll('svg.main-svg').length, traces: d.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length })),
      );
      assert.equal(charts.length, 2);
      for (const chart of charts) {
        assert.ok(chart.svgs >= 1, 'chart SVG drawn');
        assert.equal(chart.traces, 1, 'the trace is drawn');
      }
      assert.deepEqual(pageErrors.filter((m) => /plotly|newPlot|milab/i.test(m)), []);
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
