// npm run bench -- WORKLOAD [--json] [--steps N] [--warmup N] [--seed N]
//   WORKLOAD: mine|lenet|ksg|bnn  one timed run of milab, one result line
//             compare              milab beside PyTorch / scikit-learn (bench/compare.ts): --rounds
//                                  R (default 3), --only mine,lenet, --peer-threads 1,2 (the
//                                  default), --load (one core held busy); milab runs what
//                                  MILAB_WASM_THREADS / its default gives; the PyTorch peers run on
//                                  MILAB_PEER_DEVICE (cpu, the default, or cuda)
// Timing excludes the warm-up steps; the last step's value is read back inside the timed region
// (it waits for the device), as the peers do. The tensor count after the run must equal the count
// after warm-up: a growing count is reported (and fails the run).
import { tf, useBackend } from 'milab';
import { compare, type CompareOptions, type RunResult } from './compare';
import { machineInfo } from './machine';
import { DEFAULT_STEPS, WORKLOADS, WorkloadName, createWorkload } from './workloads';

interface Args extends CompareOptions {
  command: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    command: '',
    json: false,
    seed: 0,
    rounds: 3,
    only: [...WORKLOADS],
    peerThreads: [1, 2],
    load: false,
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
    else if (a === '--peer-threads') {
      const list = argv[++i] ?? '';
      args.peerThreads = list.split(',').map((t) => number(a, t, 1));
    } else if (a === '--load') args.load = true;
    else if (a.startsWith('-')) fail(`unknown option '${a}'`);
    else if (!args.command) args.command = a;
    else fail(`unexpected argument '${a}'`);
  }
  if (!args.command)
    fail(
      `usage: npm run bench -- ${WORKLOADS.join('|')}|compare [--json] [--steps N] [--warmup N]` +
        ' [--rounds R] [--only W,W] [--peer-threads 1,2] [--load]',
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
  for (let i = 0; i < warmup; i++) {
    const v = workload.step();
    // The warm-up's queued GPU work must not run on the clock: wait for its last result.
    if (i === warmup - 1) await value(v);
    release(v);
  }
  let tensorsAfterWarmup = tf.memory().numTensors;
  const start = performance.now();
  let last: tf.Scalar | number = NaN;
  for (let i = 0; i < steps; i++) {
    release(last);
    last = workload.step();
    // Without a warm-up, what the first step keeps (the optimiser's slots) is state, not a leak:
    // count from after it (less its result, released before the final count).
    if (i === 0 && warmup === 0)
      tensorsAfterWarmup = tf.memory().numTensors - (typeof last === 'number' ? 0 : 1);
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
    kernels: backend.kernels,
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'compare') return compare(args);
  const result = await runProject(args.command as WorkloadName, args);
  const grew = result.tensors_after_run !== result.tensors_after_warmup;
  if (args.json) {
    console.log(JSON.stringify(result));
  } else {
    const ms = (1000 / result.steps_per_s).toFixed(2);
    console.log(
      `${result.workload}: ${result.steps_per_s.toFixed(2)} steps/s (${ms} ms/step, ` +
        `${result.steps} steps after ${result.warmup} warm-up) on ${result.backend} ` +
        `(${result.backend_detail}; kernels ${result.kernels}); last ${result.last.toFixed(4)}; ` +
        `tensors ${result.tensors_after_warmup} -> ${result.tensors_after_run}`,
    );
  }
  if (grew) {
    console.error(
      `error: tensor count grew from ${result.tensors_after_warmup} to ` +
        `${result.tensors_after_run} during the run`,
    );
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
});
