// npm run bench -- compare: milab beside its peers (PyTorch; scikit-learn for ksg) per workload.
// A round runs milab (a fresh Node process), then the peer once per thread count (1 and 2 by
// default: PyTorch is sometimes faster on one thread than on two, so a 2-thread peer alone flatters
// milab); R rounds, medians. The headline is milab's ratio to the BETTER peer setting; the ratio to
// each setting is reported too. --load runs the same comparison while a spinning child process
// holds one core busy (started before the first run, killed after the last), so that a collapse on
// a shared machine shows. Everything a number depends on is printed with it: the machine, milab's
// backend, kernels and threads, the peers' versions, BLAS and threads, the load.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { machineInfo, peerPython } from './machine';
import type { WorkloadName } from './workloads';

export interface CompareOptions {
  json: boolean;
  steps?: number;
  warmup?: number;
  seed: number;
  rounds: number;
  only: WorkloadName[];
  /** The peer's thread counts, each run every round (default 1 and 2). */
  peerThreads: number[];
  /** Hold one core busy during the whole comparison. */
  load: boolean;
}

/** One run's JSON line, as `npm run bench -- WORKLOAD --json` and bench/peers/*.py print it. */
export interface RunResult {
  workload: string;
  backend: string;
  backend_detail?: string;
  kernels?: string;
  steps_per_s: number;
  last: number;
  tensors_after_warmup?: number;
  tensors_after_run?: number;
  versions?: Record<string, string>;
  load_average_1m?: number;
  [key: string]: unknown;
}

const ROOT = path.join(__dirname, '..', '..');
const LOAD = 'one core held busy by a spinning process for the whole comparison';

export function compare(options: CompareOptions): void {
  const machine = machineInfo();
  const missing = peersMissing();
  const stopLoad = options.load ? holdOneCore() : () => {};
  const rows = [];
  try {
    for (const name of options.only) rows.push(compareWorkload(name, options, missing));
  } finally {
    stopLoad();
  }
  const first = rows[0].milab;
  const milab = {
    backend: first.backend,
    detail: first.backend_detail ?? '',
    kernels: first.kernels ?? 'unknown',
    wasm_threads: process.env.MILAB_WASM_THREADS || 'default',
  };
  const results = rows.map((row) => row.summary);
  // The peers' versions, merged over the workloads (PyTorch's, scikit-learn's, their BLAS).
  const peerVersions = Object.assign({}, ...results.map((r) => r.peer_versions ?? {}));
  if (options.json) {
    const peers = {
      threads: options.peerThreads,
      missing: missing ?? null,
      versions: peerVersions,
    };
    const load = options.load ? LOAD : null;
    console.log(JSON.stringify({ rounds: options.rounds, machine, milab, peers, load, results }));
    return;
  }
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}, ` +
      `TF.js ${machine.tfjs}; load average ${machine.load_average_1m} before the runs`,
  );
  console.log(
    `milab: backend ${milab.backend} (${milab.detail}), kernels ${milab.kernels}; ` +
      `MILAB_WASM_THREADS ${milab.wasm_threads}`,
  );
  const versions = Object.entries(peerVersions as Record<string, string>).map(
    ([k, v]) => `${k} ${v}`,
  );
  console.log(
    missing
      ? `peers: not available, milab alone (${missing})`
      : `peers: ${versions.join(', ')}; threads ${options.peerThreads.join(' and ')} ` +
          '(torch.set_num_threads, OMP/OPENBLAS/MKL_NUM_THREADS)',
  );
  console.log(`load: ${options.load ? LOAD : 'none added (the machine as it is)'}`);
  printTable(results, options);
}

function compareWorkload(name: WorkloadName, options: CompareOptions, missing?: string) {
  const ours: RunResult[] = [];
  const threads = missing ? [] : options.peerThreads;
  const peers = threads.map(() => [] as RunResult[]);
  for (let r = 0; r < options.rounds; r++) {
    ours.push(runMilab(name, options));
    threads.forEach((t, i) => peers[i].push(runPeer(name, t, options)));
    if (!options.json) {
      const text = [
        `milab ${ours[r].steps_per_s.toFixed(2)}`,
        ...threads.map((t, i) => `peer ${t}t ${peers[i][r].steps_per_s.toFixed(2)}`),
      ];
      process.stderr.write(`${name} round ${r + 1}/${options.rounds}: ${text.join(', ')}/s\n`);
    }
  }
  const milab = median(ours.map((o) => o.steps_per_s));
  const peer = peers.map((runs) => median(runs.map((p) => p.steps_per_s)));
  const best = peer.length ? peer.indexOf(Math.max(...peer)) : -1;
  const byThreads = <T>(values: T[]) => Object.fromEntries(threads.map((t, i) => [t, values[i]]));
  const all = [...ours, ...peers.flat()];
  return {
    milab: ours[0],
    summary: {
      workload: name,
      milab_steps_per_s: milab,
      peer_steps_per_s: byThreads(peer),
      best_peer_threads: best < 0 ? null : threads[best],
      ratio: best < 0 ? null : milab / peer[best],
      ratios: byThreads(peer.map((p) => milab / p)),
      milab_runs: ours.map((o) => o.steps_per_s),
      peer_runs: byThreads(peers.map((runs) => runs.map((p) => p.steps_per_s))),
      milab_last: ours[ours.length - 1].last,
      peer_last: byThreads(peers.map((runs) => runs[runs.length - 1].last)),
      peer_backend: peers[0]?.[0].backend.replace(/-\d+t$/, '') ?? null,
      peer_versions: peers[0]?.[0].versions ?? null,
      load_average_1m: all.map((run) => run.load_average_1m ?? null),
      tensors_flat: ours.every((o) => o.tensors_after_run === o.tensors_after_warmup),
    },
  };
}

type Summary = ReturnType<typeof compareWorkload>['summary'];

function printTable(results: Summary[], options: CompareOptions): void {
  const threads = results.some((r) => r.ratio !== null) ? options.peerThreads : [];
  const cell = (text: string, width: number) => text.padStart(width);
  const order = ['milab', ...threads.map((t) => `the peer at ${t} thread${t > 1 ? 's' : ''}`)];
  const rounds = `${options.rounds} round${options.rounds > 1 ? 's' : ''}`;
  console.log(`steps/s, medians of ${rounds} (each: ${order.join(', then ')})`);
  console.log(
    'workload ' +
      cell('milab', 9) +
      threads.map((t) => cell(`peer ${t}t`, 10)).join('') +
      (threads.length ? cell('vs better', 14) : '') +
      threads.map((t) => cell(`vs ${t}t`, 8)).join(''),
  );
  for (const r of results) {
    const ratio = (x: number) => `${x.toFixed(2)}x`;
    console.log(
      r.workload.padEnd(8) +
        ' ' +
        cell(r.milab_steps_per_s.toFixed(2), 9) +
        threads.map((t) => cell(r.peer_steps_per_s[t].toFixed(2), 10)).join('') +
        (r.ratio === null ? '' : cell(`${ratio(r.ratio)} (${r.best_peer_threads}t)`, 14)) +
        threads.map((t) => cell(ratio(r.ratios[t]), 8)).join('') +
        (r.tensors_flat ? '' : '  TENSORS GREW'),
    );
  }
  // What the runs saw: on an idle machine about the benchmark's own 1, with --load about 2.
  const loads = results.flatMap((r) => r.load_average_1m).filter((l): l is number => l !== null);
  console.log(`load average (1 min) at the runs: ${Math.min(...loads)}-${Math.max(...loads)}`);
}

/** Installs the peers where it can (root on Debian); the one-line reason when they are missing. */
function peersMissing(): string | undefined {
  const run = spawnSync('bash', [path.join(ROOT, 'environment', 'peers.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (run.status === 0) return undefined;
  const lines = (run.stderr ?? '').trim().split('\n');
  const error = lines.find((line) => line.startsWith('peers: error: ')) ?? lines.at(-1) ?? '';
  return error.replace(/^peers: error: /, '') || `environment/peers.sh exited ${run.status}`;
}

/** A busy loop in a child process; returns the function that stops it (also run at exit). */
function holdOneCore(): () => void {
  const spinner = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
  const stop = () => spinner.kill('SIGKILL');
  process.on('exit', stop);
  return () => {
    process.off('exit', stop);
    stop();
  };
}

/** A run of milab in a fresh process, so rounds do not share warm caches or JIT state. */
function runMilab(name: WorkloadName, options: CompareOptions): RunResult {
  return lastJsonLine(`milab ${name}`, process.execPath, [
    path.join(__dirname, 'main.js'),
    name,
    '--json',
    ...common(options),
  ]);
}

function runPeer(name: WorkloadName, threads: number, options: CompareOptions): RunResult {
  const script = path.join(ROOT, 'bench', 'peers', `${name}.py`);
  return lastJsonLine(
    `peer ${name} (${peerPython()} ${script})`,
    peerPython(),
    [script, ...common(options)],
    { MILAB_PEER_THREADS: String(threads) },
  );
}

function common(options: CompareOptions): string[] {
  return [
    '--seed',
    String(options.seed),
    ...(options.steps ? ['--steps', String(options.steps)] : []),
    ...(options.warmup !== undefined ? ['--warmup', String(options.warmup)] : []),
  ];
}

function lastJsonLine(
  what: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): RunResult {
  const run = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (run.status !== 0) throw new Error(`${what} failed: ${whyItFailed(run)}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as RunResult;
}

/** How a child run ended and its telling line: the first error line (a crash's message comes
 * before its stack), else the last line it printed. */
function whyItFailed(run: ReturnType<typeof spawnSync>): string {
  const how = run.error
    ? run.error.message
    : run.signal
      ? `killed by ${run.signal}`
      : `exit status ${run.status}`;
  const lines = String(run.stderr || run.stdout || '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const line = lines.find((l) => /^(error\b|\w*Error:)/i.test(l)) ?? lines.at(-1);
  return line ? `${how}: ${line}` : how;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
