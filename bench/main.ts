// npm run bench -- WORKLOAD [--json] [--steps N] [--warmup N] [--seed N]
//   WORKLOAD: mine | lenet | ksg   one timed run of the project, one result line
//             compare              project and peer alternately (--rounds R, default 3) for each
//                                  workload (or --only mine,lenet), medians and ratios; the peers use
//                                  2 threads (--peer-threads N to change), the project what
//                                  MILAB_WASM_THREADS / its default gives
// Timing excludes the warm-up steps; the last step's value is read back inside the timed region
// (it waits for the device), as the peers do. The tensor count after the run must equal the count
// after warm-up: a growing count is reported (and fails the run).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { tf, useBackend } from 'milab';
import { machineInfo, peerPython } from './machine';
import { DEFAULT_STEPS, WORKLOADS, WorkloadName, createWorkload } from './workloads';

interface RunResult {
  workload: string;
  backend: string;
  backend_detail?: string;
  steps_per_s: number;
  ms_per_step: number;
  steps: number;
  warmup: number;
  last: number;
  tensors_after_warmup?: number;
  tensors_after_run?: number;
  [key: string]: unknown;
}

interface Args {
  command: string;
  json: boolean;
  steps?: number;
  warmup?: number;
  seed: number;
  rounds: number;
  only: WorkloadName[];
  peerThreads: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    command: '',
    json: false,
    seed: 0,
    rounds: 3,
    only: [...WORKLOADS],
    peerThreads: 2,
  };
  const number = (flag: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      fail(`${flag} needs an integer >= ${min}, got '${value ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--steps') args.steps = number(a, argv[++i], 1);
    else if (a === '--warmup') args.warmup = number(a, argv[++i], 0);
    else if (a === '--seed') args.seed = number(a, argv[++i], 0);
    else if (a === '--rounds') args.rounds = number(a, argv[++i], 1);
    else if (a === '--only') args.only = (argv[++i] ?? '').split(',').map(checkWorkload);
    else if (a === '--peer-threads') args.peerThreads = number(a, argv[++i], 1);
    else if (a.startsWith('-')) fail(`unknown option '${a}'`);
    else if (!args.command) args.command = a;
    else fail(`unexpected argument '${a}'`);
  }
  if (!args.command)
    fail(
      `usage: npm run bench -- ${WORKLOADS.join('|')}|compare [--json] [--steps N] [--warmup N]`,
    );
  if (args.command !== 'compare') checkWorkload(args.command);
  return args;
}

function checkWorkload(name: string): WorkloadName {
  if (!(WORKLOADS as readonly string[]).includes(name))
    fail(`workload must be one of ${WORKLOADS.join(', ')}, compare; got '${name}'`);
  return name as WorkloadName;
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(2);
}

async function runProject(name: WorkloadName, args: Args): Promise<RunResult> {
  const backend = await useBackend({ quiet: true });
  const steps = args.steps ?? DEFAULT_STEPS[name].steps;
  const warmup = args.warmup ?? DEFAULT_STEPS[name].warmup;
  const workload = createWorkload(name, args.seed);
  // An async read: GPU backends cannot read synchronously in Node, and the clock must run until the
  // last step's result exists (GPU work is queued, not done, when step() returns).
  const value = async (v: tf.Scalar | number) => (typeof v === 'number' ? v : (await v.data())[0]);
  const release = (v: tf.Scalar | number) => typeof v !== 'number' && v.dispose();
  for (let i = 0; i < warmup; i++) release(workload.step());
  const tensorsAfterWarmup = tf.memory().numTensors;
  const start = performance.now();
  let last: tf.Scalar | number = NaN;
  for (let i = 0; i < steps; i++) {
    release(last);
    last = workload.step();
  }
  const lastValue = await value(last);
  const seconds = (performance.now() - start) / 1000;
  release(last);
  const tensorsAfterRun = tf.memory().numTensors;
  workload.dispose();
  return {
    workload: name,
    backend: backend.name,
    backend_detail: backend.detail,
    steps_per_s: steps / seconds,
    ms_per_step: (1000 * seconds) / steps,
    steps,
    warmup,
    last: lastValue,
    tensors_after_warmup: tensorsAfterWarmup,
    tensors_after_run: tensorsAfterRun,
    ...machineInfo(),
  };
}

function runPeer(name: WorkloadName, args: Args): RunResult {
  const script = path.join(__dirname, '..', '..', 'bench', 'peers', `${name}.py`);
  const extra = [
    ...(args.steps ? ['--steps', String(args.steps)] : []),
    ...(args.warmup !== undefined ? ['--warmup', String(args.warmup)] : []),
  ];
  const run = spawnSync(peerPython(), [script, '--seed', String(args.seed), ...extra], {
    encoding: 'utf8',
    env: { ...process.env, MILAB_PEER_THREADS: String(args.peerThreads) },
  });
  if (run.status !== 0)
    fail(
      `peer ${name} failed (${peerPython()} ${script}): ${(run.stderr || run.stdout).trim().split('\n').pop()}`,
    );
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as RunResult;
}

/** A run of the project in a fresh process, so rounds do not share warm caches or JIT state. */
function runProjectProcess(name: WorkloadName, args: Args): RunResult {
  const extra = [
    ...(args.steps ? ['--steps', String(args.steps)] : []),
    ...(args.warmup !== undefined ? ['--warmup', String(args.warmup)] : []),
  ];
  const run = spawnSync(
    process.execPath,
    [__filename, name, '--json', '--seed', String(args.seed), ...extra],
    { encoding: 'utf8' },
  );
  if (run.status !== 0)
    fail(`project ${name} failed: ${(run.stderr || run.stdout).trim().split('\n').pop()}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as RunResult;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function compare(args: Args): void {
  // Installs the peers where it can (root on Debian), else explains what to install.
  const peers = spawnSync('bash', [path.join(__dirname, '..', '..', 'environment', 'peers.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (peers.status !== 0) fail('the peers (PyTorch, scikit-learn) are not available');
  const rows = [];
  for (const name of args.only) {
    const ours: RunResult[] = [];
    const peers: RunResult[] = [];
    for (let r = 0; r < args.rounds; r++) {
      ours.push(runProjectProcess(name, args));
      peers.push(runPeer(name, args));
      if (!args.json)
        process.stderr.write(
          `${name} round ${r + 1}/${args.rounds}: project ${ours[r].steps_per_s.toFixed(2)}/s, peer ${peers[r].steps_per_s.toFixed(2)}/s\n`,
        );
    }
    const project = median(ours.map((o) => o.steps_per_s));
    const peer = median(peers.map((p) => p.steps_per_s));
    rows.push({
      workload: name,
      project_steps_per_s: project,
      peer_steps_per_s: peer,
      ratio: project / peer,
      project_runs: ours.map((o) => o.steps_per_s),
      peer_runs: peers.map((p) => p.steps_per_s),
      project_last: ours[ours.length - 1].last,
      peer_last: peers[peers.length - 1].last,
      project_backend: ours[0].backend,
      load_average_1m: [...ours, ...peers].map((r) => r.load_average_1m ?? NaN),
      peer_backend: peers[0].backend,
      peer_versions: peers[0].versions,
      tensors_flat: ours.every((o) => o.tensors_after_run === o.tensors_after_warmup),
    });
  }
  if (args.json) {
    console.log(JSON.stringify({ rounds: args.rounds, machine: machineInfo(), results: rows }));
    return;
  }
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(
    'workload  project/s    peer/s   ratio  (medians of ' + args.rounds + ' alternating rounds)',
  );
  for (const r of rows) {
    console.log(
      `${r.workload.padEnd(8)} ${r.project_steps_per_s.toFixed(2).padStart(10)} ${r.peer_steps_per_s.toFixed(2).padStart(9)} ${r.ratio.toFixed(2).padStart(7)}x` +
        `  last ${r.project_last.toFixed(4)} vs ${r.peer_last.toFixed(4)}${r.tensors_flat ? '' : '  TENSORS GREW'}`,
    );
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'compare') return compare(args);
  const result = await runProject(args.command as WorkloadName, args);
  const grew = result.tensors_after_run !== result.tensors_after_warmup;
  if (args.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(
      `${result.workload}: ${result.steps_per_s.toFixed(2)} steps/s (${result.ms_per_step.toFixed(2)} ms/step, ` +
        `${result.steps} steps after ${result.warmup} warm-up) on ${result.backend}; last ${result.last.toFixed(4)}; ` +
        `tensors ${result.tensors_after_warmup} -> ${result.tensors_after_run}`,
    );
  }
  if (grew) {
    console.error(
      `error: tensor count grew from ${result.tensors_after_warmup} to ${result.tensors_after_run} during the run`,
    );
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
