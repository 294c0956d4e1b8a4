// Charts drawn in a real browser (Debian's `chromium`, driven by playwright-core), offline:
// - the HTML export, opened from a copy of its report folder with the network blocked;
// - the classic Notebook server as `npm run lab` runs it: an untrusted notebook draws its charts
//   (its HTML is sanitised); a signed report opens Trusted with its charts drawn; after save + page
//   reload the charts still draw, and a chart made after the reload by the same, still running
//   kernel draws too.
// The chart's SVG must exist, not just its div. Skipped only when Chromium or Jupyter Notebook is
// absent outside CI; in CI (CI=true) a missing Chromium fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadRunnerEnv, ROOT, runNotebook, type NotebookRun } from '../scripts/notebook-runner';
import { labEnv } from '../scripts/lab';

const CHROMIUM = process.env.MILAB_CHROMIUM || '/usr/bin/chromium';
const inCi = /^(1|true)$/i.test(process.env.CI ?? '');
const missing = !fs.existsSync(CHROMIUM);
const skip =
  missing && !inCi ? `Chromium not found at ${CHROMIUM} (apt-get install chromium)` : false;
const hasNotebook =
  spawnSync('sh', ['-c', 'command -v jupyter-notebook'], { stdio: 'ignore' }).status === 0;
const skipServer =
  skip || (hasNotebook ? false : 'jupyter-notebook not found (apt-get install jupyter-notebook)');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The part of classic Notebook's page API the test uses. */
interface JupyterWindow {
  Jupyter?: {
    notebook?: {
      _fully_loaded?: boolean;
      trusted: boolean;
      kernel?: { id: string; is_connected(): boolean };
      execute_cells(cells: number[]): void;
      get_cell(i: number): { input_prompt_number?: unknown; clear_output(): void };
      save_notebook(): Promise<unknown>;
    };
  };
}
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

// Inside the repository so that tslab resolves 'milab' from the notebook's folder.
function tinyNotebook(dir: string): string {
  const cell = (source: string) => ({
    cell_type: 'code',
    metadata: {},
    execution_count: null,
    outputs: [],
    source,
  });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [
      cell("import { showPlot, lineChart } from 'milab';"),
      cell(
        "showPlot(lineChart([{ name: 'loss', y: [3, 2, 1.5, 1.2] }], { title: 'Browser test' }));",
      ),
      cell("showPlot({ data: [{ type: 'bar', name: 'bars', x: ['a', 'b'], y: [1, 2] }] });"),
    ],
  };
  const file = path.join(dir, '99-browser.ipynb');
  fs.writeFileSync(file, JSON.stringify(notebook));
  return file;
}

let dir = '';
let dataDir = '';
let run: NotebookRun;
let browser: Browser;

before(async () => {
  if (skip) return;
  assert.ok(!missing, `Chromium is required in CI but missing at ${CHROMIUM}`);
  fs.mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  dir = fs.mkdtempSync(path.join(ROOT, '.cache', 'browser-test-'));
  // The executor signs with the notary of this data dir; the Notebook server below uses it too.
  dataDir = path.join(dir, 'jupyter-data');
  const env = { JUPYTER_DATA_DIR: dataDir };
  const reportsRoot = path.join(dir, 'reports');
  run = await runNotebook(tinyNotebook(dir), { profile: 'smoke', reportsRoot, log: () => {}, env });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Per chart div: drawn SVGs and traces. */
function charts(page: Page): Promise<Array<{ svgs: number; traces: number }>> {
  return page.$$eval('.milab-plot', (divs) =>
    divs.map((d) => ({
      svgs: d.querySelectorAll('svg.main-svg').length,
      traces: d.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length,
    })),
  );
}

async function assertDrawn(page: Page, count: number, what: string): Promise<void> {
  const drawnCount = (n: number) =>
    Array.from(document.querySelectorAll('.milab-plot')).filter((d) =>
      d.querySelector('svg.main-svg'),
    ).length >= n;
  // A timeout here is reported by the assertions below, with what was found.
  await page.waitForFunction(drawnCount, count, { timeout: 30_000 }).catch(() => {});
  const drawn = await charts(page);
  assert.equal(drawn.length, count, `${what}: ${count} chart divs, found ${JSON.stringify(drawn)}`);
  for (const chart of drawn) {
    assert.ok(chart.svgs >= 1, `${what}: chart SVG drawn`);
    assert.equal(chart.traces, 1, `${what}: the trace is drawn`);
  }
}

type Executed = { cells: Array<{ outputs: Array<{ data?: Record<string, unknown> }> }> };

test('the HTML export draws its charts offline from a copied folder, small', { skip }, async () => {
  const executed = JSON.parse(fs.readFileSync(run.ipynb, 'utf8')) as Executed;
  const figure = executed.cells[1].outputs[0].data?.[PLOTLY_MIME] as { data: [{ y: unknown }] };
  assert.deepEqual(figure.data[0].y, [3, 2, 1.5, 1.2], 'the executed notebook holds the figure');
  // The charts' data, not plotly.js (4.8 MB), in each file.
  const plotlySize = fs.statSync(path.join(run.dir, 'plotly.min.js')).size;
  assert.ok(plotlySize > 1_000_000, 'plotly.min.js lies beside the export');
  const ipynbSize = fs.statSync(run.ipynb).size;
  const htmlSize = fs.statSync(run.html).size;
  assert.ok(ipynbSize < 100_000, `executed notebook: ${ipynbSize} bytes`);
  assert.ok(htmlSize < plotlySize / 2, `HTML export: ${htmlSize} bytes`);

  // Another place, as if sent to another machine: only the report folder travels.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'milab-report-copy-'));
  try {
    fs.cpSync(run.dir, copy, { recursive: true });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    const copied = path.join(copy, path.basename(run.html));
    // Offline: only the copied folder may load (CDN scripts and the machine's other files refused).
    await page.route('**/*', (route) =>
      route.request().url().startsWith(`file://${copy}/`) ? route.continue() : route.abort(),
    );
    await page.goto(`file://${copied}`, { waitUntil: 'load' });
    await assertDrawn(page, 2, 'export');
    assert.deepEqual(
      pageErrors.filter((m) => /plotly|newPlot|milab/i.test(m)),
      [],
    );
    await page.close();
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited: ${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer within 30 s: ${log()}`);
}

/** Run cell `index` in the page's notebook and wait until the kernel is idle again. */
async function executeCell(page: Page, index: number): Promise<void> {
  // execute_cells sets the prompt to '*' at once; the execution count comes with the reply.
  await page.evaluate((i) => {
    (window as JupyterWindow).Jupyter!.notebook!.execute_cells([i]);
  }, index);
  await page.waitForFunction(
    (i) => {
      const cell = (window as JupyterWindow).Jupyter!.notebook!.get_cell(i);
      return typeof cell.input_prompt_number === 'number';
    },
    index,
    { timeout: 30_000 },
  );
}

interface NotebookState {
  trusted: boolean;
  kernelId: string | null;
}

async function openNotebook(page: Page, url: string, waitForKernel = true): Promise<NotebookState> {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(
    (kernel) => {
      const notebook = (window as JupyterWindow).Jupyter?.notebook;
      const connected = notebook?.kernel?.is_connected() === true;
      return notebook?._fully_loaded === true && (!kernel || connected);
    },
    waitForKernel,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const notebook = (window as JupyterWindow).Jupyter!.notebook!;
    return { trusted: notebook.trusted, kernelId: notebook.kernel?.id ?? null };
  });
}

test(
  'classic Notebook: charts draw untrusted, after save + reload, after a page reload',
  {
    skip: skipServer,
  },
  async (t) => {
    const serverDir = path.join(dir, 'server');
    fs.mkdirSync(serverDir);
    fs.copyFileSync(run.ipynb, path.join(serverDir, 'report.ipynb'));
    // Changed after signing, as a notebook saved by Notebook 6 can come back
    // (jupyter/nbclassic#275).
    const report = JSON.parse(fs.readFileSync(run.ipynb, 'utf8')) as { metadata: object };
    report.metadata = { ...report.metadata, edited: true };
    fs.writeFileSync(path.join(serverDir, 'untrusted.ipynb'), JSON.stringify(report));
    const port = await freePort();
    const token = randomBytes(12).toString('hex');
    const rootFlag = process.getuid?.() === 0 ? ['--allow-root'] : [];
    // The environment `npm run lab` gives Jupyter, with this test's own data dir (trust database).
    const env = labEnv(loadRunnerEnv().jupyterPath, { ...process.env, JUPYTER_DATA_DIR: dataDir });
    const args = [
      '--no-browser',
      `--port=${port}`,
      '--ip=127.0.0.1',
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${serverDir}`,
      ...rootFlag,
    ];
    const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
    const server = spawn('jupyter-notebook', args, { cwd: serverDir, env, stdio });
    let output = '';
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    const log = () => output.split('\n').slice(-15).join('\n');
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, server, log);
      // Offline: only the Notebook server may answer.
      const origin = `http://127.0.0.1:${port}/`;
      await page.route('**/*', (route) =>
        route.request().url().startsWith(origin) ? route.continue() : route.abort(),
      );
      const url = `http://127.0.0.1:${port}/notebooks/report.ipynb?token=${token}`;

      // Untrusted: its HTML is sanitised, the figure JSON still draws.
      const untrustedUrl = url.replace('report.ipynb', 'untrusted.ipynb');
      const untrusted = await openNotebook(page, untrustedUrl, false);
      assert.equal(untrusted.trusted, false, 'a notebook changed after signing opens Not Trusted');
      await assertDrawn(page, 2, 'not trusted');

      const opened = await openNotebook(page, url);
      assert.equal(opened.trusted, true, 'the executed report is signed: it opens Trusted');
      await assertDrawn(page, 2, 'report as opened');

      // Run the chart cells in this kernel, save, reload the page: the kernel lives on.
      await executeCell(page, 0);
      await executeCell(page, 1);
      await page.evaluate(() => (window as JupyterWindow).Jupyter!.notebook!.save_notebook());
      const reloaded = await openNotebook(page, url);
      assert.equal(reloaded.kernelId, opened.kernelId, 'the same kernel after the page reload');
      const trust = reloaded.trusted ? 'trusted' : 'not trusted';
      t.diagnostic(`after save + reload the notebook is ${trust}`);
      await assertDrawn(page, 2, `saved and reloaded (${trust})`);

      // A new chart from the kernel that drew charts before the reload.
      await page.evaluate(() => {
        (window as JupyterWindow).Jupyter!.notebook!.get_cell(2).clear_output();
      });
      await executeCell(page, 2);
      await assertDrawn(page, 2, 'a chart made after the page reload');
      assert.deepEqual(
        pageErrors.filter((m) => /plotly|newPlot|milab/i.test(m)),
        [],
      );
    } finally {
      await page.close();
      server.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.kill('SIGKILL');
          resolve();
        }, 10_000);
        server.on('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  },
);
