// The whole MMIM experiment: for each network, the baseline on every seed; for each regularised
// method, lambda chosen on the validation split with the first seed, then every seed at that lambda
// (the selection run is reused as the first seed's run: it saw only the validation split). Each
// network's runs go through runMany in two batches (its baseline and lambda-selection runs, then
// its other seeds at the chosen lambdas), so an interrupted full run resumes where it stopped and
// parallel kernels (npm run full -- --workers N) share each batch.
import { inputError } from '../../errors';
import { runMany, runName, type RunJob } from '../../report/runs';
import { DataInfo } from './data';
import {
  METHODS,
  NETS,
  Data,
  Method,
  Net,
  RunConfig,
  RunResult,
  rowName,
  runConfiguration,
} from './experiment';
import type { LayerIdentityOptions } from './identity';

export type RunSettings = Omit<
  RunConfig,
  'net' | 'method' | 'lambda' | 'seed' | 'monitorTerms' | 'identity'
>;

export interface StudyPlan {
  nets: readonly Net[];
  /** Must include 'baseline'. */
  methods: readonly Method[];
  /** Candidate penalty weights, chosen per (net, method) on validation accuracy. */
  lambdas: readonly number[];
  /** The first seed also selects lambda. */
  seeds: readonly number[];
  settings: RunSettings;
  /** Identity check on the layer of each network's first-seed baseline and first-seed C4 runs
   * (every lambda), whose fresh critics tell a lowered TC from a fooled training critic (omit to
   * skip). */
  identity?: LayerIdentityOptions;
}

export interface Study {
  plan: StudyPlan;
  dataInfo: DataInfo;
  /** Every run, the lambda sweep included. */
  runs: RunResult[];
  /** The selected lambda per network and method. */
  chosenLambda: Partial<Record<Net, Partial<Record<Method, number>>>>;
}

type Progress = (p: { step: number; total: number; metrics: Record<string, number> }) => void;

export interface StudyOptions {
  /** runOnce's notebook name, e.g. '000-mmim'. */
  notebook: string;
  /** A progress callback per run (e.g. label => progressReporter(label)). */
  progress?: (label: string) => Progress;
}

function checkPlan(plan: StudyPlan): void {
  if (plan.nets.length === 0 || plan.nets.some((n) => !NETS.includes(n)))
    inputError(`nets must be a non-empty subset of ${NETS.join(', ')}`);
  if (plan.methods.some((m) => !METHODS.includes(m)))
    inputError(`methods must be among ${METHODS.join(', ')}`);
  if (!plan.methods.includes('baseline')) inputError('methods must include the baseline');
  if (plan.lambdas.length === 0 || plan.lambdas.some((l) => !(l > 0 && Number.isFinite(l))))
    inputError('lambdas must be positive numbers');
  if (plan.seeds.length === 0 || plan.seeds.some((s) => !Number.isInteger(s)))
    inputError('seeds must be integers');
  if (new Set(plan.seeds).size !== plan.seeds.length) inputError('seeds must be distinct');
}

/** The run's cache key names everything that changes its result. */
function runKey(config: RunConfig, info: DataInfo): string {
  return JSON.stringify({ ...config, data: info });
}

export async function runStudy(
  data: Data,
  dataInfo: DataInfo,
  plan: StudyPlan,
  options: StudyOptions,
): Promise<Study> {
  checkPlan(plan);
  const job = (net: Net, method: Method, lambda: number, seed: number): RunJob<RunResult> => {
    const first = seed === plan.seeds[0];
    const config: RunConfig = {
      ...plan.settings,
      net,
      method,
      lambda,
      seed,
      // The baseline's first seed also trains C1's critics (no penalty) for the MI-term curves.
      monitorTerms: method === 'baseline' && first,
      // The same first seeds, every lambda of C4: did the penalty lower the layer's TC, as fresh
      // critics see it, or only the estimate of the critic it trained against?
      identity: first && (method === 'baseline' || method === 'C4') ? plan.identity : undefined,
    };
    const label = `${rowName(net, method)}${method === 'baseline' ? '' : ` λ=${lambda}`} seed ${seed}`;
    // The file name says what tells the run from its siblings (results/runs/000-mmim/).
    const name =
      method === 'baseline'
        ? runName(net, method, { seed })
        : runName(net, method, { lambda, seed });
    return {
      key: runKey(config, dataInfo),
      name,
      compute: () => runConfiguration(data, config, options.progress?.(label)),
    };
  };
  const regularised = plan.methods.filter((m) => m !== 'baseline');
  const runs: RunResult[] = [];
  const chosenLambda: Study['chosenLambda'] = {};
  // One network after the other, so a partial full run leaves whole rows for the first network.
  for (const net of plan.nets) {
    // Batch 1: the baselines on every seed and every lambda on the first seed.
    const firstBatch = await runMany(options.notebook, [
      ...plan.seeds.map((seed) => job(net, 'baseline', 0, seed)),
      ...regularised.flatMap((method) =>
        plan.lambdas.map((lambda) => job(net, method, lambda, plan.seeds[0])),
      ),
    ]);
    runs.push(...firstBatch);
    // The lambda with the best validation accuracy (the first on ties, as the plan lists them).
    const chosen: Partial<Record<Method, number>> = (chosenLambda[net] = {});
    for (const method of regularised) {
      let best: RunResult | null = null;
      for (const r of firstBatch)
        if (r.config.method === method && (!best || r.valAccuracy > best.valAccuracy)) best = r;
      chosen[method] = best!.config.lambda;
    }
    // Batch 2: the other seeds at the chosen lambdas.
    runs.push(
      ...(await runMany(
        options.notebook,
        regularised.flatMap((method) =>
          plan.seeds.slice(1).map((seed) => job(net, method, chosen[method]!, seed)),
        ),
      )),
    );
  }
  return { plan, dataInfo, runs, chosenLambda };
}

/** The runs that count for a (net, method): the selected lambda, every seed, in seed order. */
export function finalRuns(study: Study, net: Net, method: Method): RunResult[] {
  const lambda = method === 'baseline' ? 0 : study.chosenLambda[net]?.[method];
  if (lambda === undefined) return [];
  return study.plan.seeds
    .map((seed) =>
      study.runs.find(
        (r) =>
          r.config.net === net &&
          r.config.method === method &&
          r.config.lambda === lambda &&
          r.config.seed === seed,
      ),
    )
    .filter((r): r is RunResult => r !== undefined);
}
