// The notebook kernel survives what used to kill it, and a kernel that dies anyway is reported with
// its exit status or signal and its last words. The two causes of the intermittent deaths of
// 000-mmim under load, each tested on its own and then together in a real kernel:
// - zeromq.js throws EBUSY when a send starts while one is in progress (after 512 sends in a tick,
//   or whenever the machine is too busy to take a message at once); tslab never waits for a send,
//   so messages were lost, and the PUB socket drops what a slow client has not read beyond 1000
//   (scripts/tslab-kernel.ts queues sends and lifts the limit);
// - TF.js's wasm backend (Emscripten) rethrew every uncaught exception, so that EBUSY, or any stray
//   exception, made the process exit with status 7 (lib/src/backend/backend.ts removes the
//   handler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { loadRunnerEnv, NotebookFailure, ROOT, runNotebook } from '../scripts/notebook-runner';
import { makeZmqLossless } from '../scripts/tslab-kernel';
import { tinyNotebook } from './tiny-notebook';

// Well past zeromq.js's 512 synchronous sends per tick and its 1000-message queue.
const BURST = 2000;

/** A publisher and a subscriber on loopback, subscribed to everything. */
async function pubSub(): Promise<{ publisher: zmq.Publisher; subscriber: zmq.Subscriber }> {
  const publisher = new zmq.Publisher();
  const subscriber = new zmq.Subscriber();
  await publisher.bind('tcp://127.0.0.1:*');
  subscriber.connect(publisher.lastEndpoint as string);
  subscriber.subscribe();
  // the subscription reaches the publisher
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { publisher, subscriber };
}

test('upstream zeromq.js: a burst of sends that nobody awaits fails part-way (why the kernel patches it)', async () => {
  const { publisher, subscriber } = await pubSub();
  const sends: Promise<void>[] = [];
  try {
    assert.throws(() => {
      for (let i = 0; i < BURST; i++) sends.push(publisher.send(`message ${i}`));
    }, /busy writing/);
    await Promise.allSettled(sends); // the ones that did start, before the socket closes
  } finally {
    publisher.close();
    subscriber.close();
  }
});

test('made lossless, a burst reaches a subscriber that reads only afterwards, whole and in order', async () => {
  makeZmqLossless();
  makeZmqLossless(); // idempotent: a second call must not queue sends twice
  const { publisher, subscriber } = await pubSub();
  try {
    const total = 5 * BURST;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i++) sends.push(publisher.send(`message ${i}`));
    await Promise.all(sends); // every message queued before the subscriber reads one
    for (let i = 0; i < total; i++) {
      const [frame] = await subscriber.receive();
      assert.equal(frame.toString(), `message ${i}`);
    }
  } finally {
    publisher.close();
    subscriber.close();
  }
});

test('after the wasm backend loads, a stray exception reaches the handler instead of killing Node', () => {
  const script = `
    const { useBackend } = require('milab');
    (async () => {
      await useBackend({ backend: 'wasm', quiet: true });
      process.on('uncaughtException', (e) => console.log('handled exception: ' + e.message));
      process.on('unhandledRejection', (e) => console.log('handled rejection: ' + e.message));
      setTimeout(() => { throw new Error('stray'); }, 1);
      Promise.reject(new Error('late'));
      setTimeout(() => console.log('still running'), 50);
    })();`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(
    run.status,
    0,
    `exit status ${run.status} (7 = Emscripten's rethrowing handler): ${run.stderr}`,
  );
  assert.match(run.stdout, /handled exception: stray/);
  assert.match(run.stdout, /handled rejection: late/);
  assert.match(run.stdout, /still running/);
});

test("without a handler, a stray exception gets Node's usual report and status 1, not 7", () => {
  const script = `
    const { useBackend } = require('milab');
    useBackend({ backend: 'wasm', quiet: true }).then(() => { throw new Error('unhandled stray'); });`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /unhandled stray/);
});

/** A test body given a notebook with these cells and a reports folder; both removed after. */
function withNotebook(cells: string[], body: (file: string, reportsRoot: string) => Promise<void>) {
  return async () => {
    const { file, dir } = tinyNotebook('97-kernel', cells);
    try {
      await body(file, path.join(dir, 'reports'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'a kernel on the wasm backend survives a burst of output and a stray exception, and loses no line',
  withNotebook(
    [
      "import { useBackend } from 'milab';\nawait useBackend({ quiet: true });",
      `for (let i = 0; i < ${BURST}; i++) console.log('line ' + i);`,
      "setTimeout(() => { throw new Error('stray'); }, 1);\nawait new Promise((r) => setTimeout(r, 300));",
      "console.log('alive');",
    ],
    async (file, reportsRoot) => {
      const run = await runNotebook(file, {
        profile: 'smoke',
        reportsRoot,
        log: () => {},
        env: { MILAB_BACKEND: 'wasm' },
      });
      const executed = JSON.parse(fs.readFileSync(run.ipynb, 'utf8')) as {
        cells: Array<{ outputs: Array<{ text?: string | string[] }> }>;
      };
      // Cell 0 is the title.
      const text = (cell: number) =>
        executed.cells[cell].outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
      const lines = text(2).split('\n').filter(Boolean);
      assert.equal(lines.length, BURST, 'every line of the burst is in the report');
      assert.equal(lines[BURST - 1], `line ${BURST - 1}`);
      assert.match(text(4), /alive/);
    },
  ),
);

test(
  'a kernel that dies is reported with its signal and its last output',
  withNotebook(
    [
      "console.log('fine');",
      "require('fs').writeSync(2, 'FATAL ERROR: last words before dying\\n');\nprocess.kill(process.pid, 'SIGKILL');",
      "console.log('never');",
    ],
    async (file, reportsRoot) => {
      await assert.rejects(
        runNotebook(file, { profile: 'smoke', reportsRoot, log: () => {} }),
        (err: unknown) => {
          assert.ok(err instanceof NotebookFailure, String(err));
          assert.match(
            err.message,
            /cell 3\/4 failed: the kernel died \(signal SIGKILL \(9\)\): FATAL ERROR: last words/,
          );
          assert.match(err.details, /the kernel's last output/);
          return true;
        },
      );
      assert.equal(
        fs.existsSync(path.join(reportsRoot, '97-kernel')),
        false,
        'no report from a dead kernel',
      );
    },
  ),
);

test('a kernel whose executor is killed exits too, instead of computing on unseen', async () => {
  const pidFile = path.join(ROOT, '.cache', `kernel-pid-${process.pid}`);
  await withNotebook(
    [
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));`,
      'await new Promise((r) => setTimeout(r, 120000));',
    ],
    async (file, reportsRoot) => {
      const env = loadRunnerEnv();
      fs.mkdirSync(reportsRoot, { recursive: true });
      const executor = spawn(
        env.python,
        [
          path.join(ROOT, 'scripts', 'execute_notebook.py'),
          file,
          '--ipynb',
          path.join(reportsRoot, 'x.ipynb'),
          '--html',
          path.join(reportsRoot, 'x.html'),
          '--cwd',
          path.dirname(file),
          '--timeout',
          '600',
        ],
        { env: { ...process.env, JUPYTER_PATH: env.jupyterPath }, stdio: 'ignore' },
      );
      try {
        const kernel = await poll(
          () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8')) : undefined),
          120,
        );
        executor.kill('SIGKILL');
        const gone = await poll(() => (alive(kernel) ? undefined : true), 15);
        assert.ok(gone, `kernel ${kernel} still running 15 s after its executor was killed`);
      } finally {
        executor.kill('SIGKILL');
        fs.rmSync(pidFile, { force: true });
      }
    },
  )();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function poll<T>(probe: () => T | undefined, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
