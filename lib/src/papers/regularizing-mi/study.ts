// Parts B and C of one profile, through runMany (resumable, shared between parallel kernels:
// `npm run full -- --only 002 --workers 2`). Each part runs in batches: what a later batch needs
// chosen first (beta on the first seed's validation accuracy; the teacher; KD's temperature and the
// lambdas), then every seed. A run's key holds only what sets its result (its part, the settings
// it reads, the data, the seed), so a change to an unrelated setting keeps the stored runs.
import { inputError } from '../../errors';
import { runMany, runName, type RunJob } from '../../report/runs';
import { runBnn, type BnnRun, type BnnSetting, type Progress } from './bnn';
import { limitTraining, type DataInfo, type SplitData } from './data';
import { BNN_TABLE, NOTEBOOK } from './paper';
import type { BnnConfig, VidConfig } from './profiles';
import {
  runStudent,
  runTeacher,
  type StudentRun,
  type StudentSetting,
  type TeacherRun,
  type VidMethod,
} from './vid';

export type ProgressFactory = (label: string) => Progress | undefined;

export interface BnnStudy {
  info: DataInfo;
  config: BnnConfig;
  /** The beta grid on the first seed, per tuned variant. */
  selection: BnnRun[];
  /** The beta each tuned variant takes from the selection (vanilla: 1/n). */
  chosenBeta: Record<string, number>;
  /** Every variant and the deterministic control on every seed, at the chosen beta. */
  final: BnnRun[];
  /** beta-BNN at its beta on the first seed, per K; and the K = config.components run with the
   * closed-form upper bound instead of the one-sample KL (when asked). */
  kAblation: BnnRun[];
  upperBound: BnnRun | null;
  /** The paper's recipe as printed (plain SGD, the paper's betas), first seed (when asked). */
  literal: BnnRun[];
}

const bnnLabel = (s: BnnSetting, seed: number) =>
  `${s.method} (${s.optimizer})${s.beta === null ? '' : ` beta=${s.beta.toExponential(0)}`}` +
  `${s.components > 1 ? ` K=${s.components}` : ''}${s.estimator === 'upper' ? ' (upper bound)' : ''}` +
  `, ${s.epochs} epochs, seed ${seed}`;

export async function runBnnStudy(
  data: SplitData,
  info: DataInfo,
  config: BnnConfig,
  options: { progress?: ProgressFactory } = {},
): Promise<BnnStudy> {
  if (config.seeds.length === 0) inputError('the beta-BNN study needs at least one seed');
  const progress = options.progress ?? (() => undefined);
  const { hidden, batchSize, learningRate, maxStepsPerEpoch } = config;
  const settings = { hidden, batchSize, learningRate, maxStepsPerEpoch };
  const job = (setting: BnnSetting, seed: number): RunJob<BnnRun> => ({
    key: JSON.stringify({ part: 'bnn', settings, setting, seed, data: info }),
    name: runName('bnn', setting.method, setting.optimizer, {
      beta: setting.beta ?? 'none',
      K: setting.components,
      epochs: setting.epochs,
      kl: setting.estimator,
      seed,
    }),
    compute: () => runBnn(data, config, setting, seed, progress(bnnLabel(setting, seed))),
  });
  const first = config.seeds[0];
  const tuned = config.variants.filter((v) => v !== 'vanilla');
  const k = (method: BnnSetting['method']) =>
    method === 'vanilla' || method === 'deterministic' ? 1 : config.components;
  const setting = (
    method: BnnSetting['method'],
    beta: number | null,
    epochs: number,
    optimizer = config.optimizer,
  ): BnnSetting => ({
    method,
    optimizer,
    beta,
    components: k(method),
    epochs,
    estimator: 'mc',
  });

  // Batch 1: the beta grid of each tuned variant on the first seed.
  const selection = await runMany(
    NOTEBOOK,
    tuned.flatMap((method) =>
      config.betaGrid.map((beta) => job(setting(method, beta, config.selectionEpochs), first)),
    ),
  );
  const chosenBeta: Record<string, number> = { vanilla: 1 / info.trainSize };
  for (const method of tuned) {
    const runs = selection.filter((r) => r.method === method);
    // The highest validation accuracy after the selection epochs; among equals the smaller beta.
    chosenBeta[method] = runs.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a)).beta!;
  }

  // Batch 2: every variant and the control on every seed; the K ablation and the bound check.
  const methods: BnnSetting['method'][] = [...config.variants, 'deterministic'];
  const finalJobs = config.seeds.flatMap((seed) =>
    methods.map((m) => job(setting(m, chosenBeta[m] ?? null, config.epochs), seed)),
  );
  const betaBnn = chosenBeta['beta-bnn'];
  const ablationJobs =
    betaBnn === undefined
      ? []
      : config.kAblation.components.map((components) =>
          job({ ...setting('beta-bnn', betaBnn, config.kAblation.epochs), components }, first),
        );
  const upperJobs =
    betaBnn === undefined || !config.upperBoundCheck
      ? []
      : [
          job(
            { ...setting('beta-bnn', betaBnn, config.kAblation.epochs), estimator: 'upper' },
            first,
          ),
        ];
  // The paper's recipe as printed, last: plain SGD, the paper's betas, the first seed.
  const paperBeta = (m: BnnSetting['method']) =>
    m === 'deterministic'
      ? null
      : m === 'vanilla'
        ? 1 / info.trainSize
        : (BNN_TABLE.find((t) => t.method === m)!.beta as number);
  const literalJobs = config.literalSgd
    ? methods.map((m) => job(setting(m, paperBeta(m), config.epochs, 'sgd'), first))
    : [];
  const batch2 = await runMany(NOTEBOOK, [
    ...finalJobs,
    ...ablationJobs,
    ...upperJobs,
    ...literalJobs,
  ]);
  const at = (start: number, count: number) => batch2.slice(start, start + count);
  const after = finalJobs.length + ablationJobs.length;
  return {
    info,
    config,
    selection,
    chosenBeta,
    final: at(0, finalJobs.length),
    kAblation: at(finalJobs.length, ablationJobs.length),
    upperBound: upperJobs.length ? batch2[after] : null,
    literal: at(after + upperJobs.length, literalJobs.length),
  };
}

export interface VidStudy {
  info: DataInfo;
  config: VidConfig;
  teachers: TeacherRun[];
  /** Tuned on the first seed at config.tuneWidth. */
  chosen: { temperature: number; lambda: Record<'fitnet' | 'vid' | 'vid+kd', number> };
  tuning: StudentRun[];
  /** Every method x width x seed at the chosen settings (tuning runs included). */
  students: StudentRun[];
  /** Student, KD, FitNet, VID at config.tuneWidth per images-per-class and seed. */
  limited: StudentRun[];
}

const studentLabel = (s: StudentSetting, seed: number) =>
  `${s.method} W=${s.width}${s.lambda === null ? '' : ` lambda=${s.lambda}`}` +
  `${s.temperature === null ? '' : ` T=${s.temperature}`}` +
  `${s.perClass === null ? '' : `, ${s.perClass} per class`}, seed ${seed}`;

export const LIMITED_METHODS: readonly VidMethod[] = ['student', 'kd', 'fitnet', 'vid'];

export async function runVidStudy(
  data: SplitData,
  info: DataInfo,
  config: VidConfig,
  options: { progress?: ProgressFactory } = {},
): Promise<VidStudy> {
  if (config.seeds.length === 0) inputError('the VID study needs at least one seed');
  const progress = options.progress ?? (() => undefined);
  const { batchSize, teacherEpochs, maxStepsPerEpoch } = config;
  const teacherSettings = { batchSize, teacherEpochs, maxStepsPerEpoch };
  const teacherRuns = await runMany(
    NOTEBOOK,
    config.seeds.map((seed) => ({
      key: JSON.stringify({ part: 'teacher', settings: teacherSettings, seed, data: info }),
      name: runName('vid teacher', { seed }),
      compute: () => runTeacher(data, config, seed, progress(`teacher, seed ${seed}`)),
    })),
  );
  const teacherOf = (seed: number) => teacherRuns[config.seeds.indexOf(seed)];
  const first = config.seeds[0];

  // A student run's key: the teacher's settings, what the run reads, its data and seed.
  const studentJob = (s: StudentSetting, seed: number): RunJob<StudentRun> => {
    const limited = s.perClass !== null;
    const settings = {
      ...teacherSettings,
      ...(limited ? { limitedSteps: config.limitedSteps } : { epochs: config.epochs }),
      probeRows: !limited && s.width === config.tuneWidth ? config.probeRows : 0,
    };
    const runInfo = limited ? { ...info, perClass: s.perClass } : info;
    return {
      key: JSON.stringify({ part: 'student', settings, setting: s, seed, data: runInfo }),
      name: runName('vid', s.method, {
        W: s.width,
        lambda: s.lambda ?? 'none',
        T: s.temperature ?? 'none',
        perClass: s.perClass ?? 'all',
        seed,
      }),
      compute: async () => {
        if (!limited) {
          return runStudent(
            data,
            teacherOf(seed),
            config,
            s,
            seed,
            progress(studentLabel(s, seed)),
          );
        }
        const subset = limitTraining(data, info, s.perClass!, seed);
        try {
          return await runStudent(
            subset.data,
            teacherOf(seed),
            config,
            s,
            seed,
            progress(studentLabel(s, seed)),
          );
        } finally {
          subset.data.train.x.dispose(); // validation and test are shared with `data`
        }
      },
    };
  };
  const student = (
    method: VidMethod,
    width: number,
    lambda: number | null,
    temperature: number | null,
    perClass: number | null = null,
  ): StudentSetting => ({ method, width, lambda, temperature, perClass });
  const W = config.tuneWidth;

  // Batch 1: KD's temperature, FitNet's and VID's lambda on the first seed.
  const tuning1 = await runMany(NOTEBOOK, [
    ...config.temperatures.map((T) => studentJob(student('kd', W, null, T), first)),
    ...config.lambdas.map((l) => studentJob(student('fitnet', W, l, null), first)),
    ...config.lambdas.map((l) => studentJob(student('vid', W, l, null), first)),
  ]);
  const best = (runs: StudentRun[], pick: (r: StudentRun) => number) =>
    pick(runs.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a)));
  const temperature = best(
    tuning1.filter((r) => r.method === 'kd'),
    (r) => r.temperature!,
  );
  const lambdaOf = (method: VidMethod, runs: StudentRun[]) =>
    best(
      runs.filter((r) => r.method === method),
      (r) => r.lambda!,
    );
  // Batch 2: VID + KD's lambda at KD's temperature.
  const tuning2 = await runMany(
    NOTEBOOK,
    config.lambdas.map((l) => studentJob(student('vid+kd', W, l, temperature), first)),
  );
  const chosen = {
    temperature,
    lambda: {
      fitnet: lambdaOf('fitnet', tuning1),
      vid: lambdaOf('vid', tuning1),
      'vid+kd': lambdaOf('vid+kd', tuning2),
    },
  };
  const settingOf = (method: VidMethod, width: number, perClass: number | null = null) => {
    const lambda =
      method === 'fitnet' || method === 'vid' || method === 'vid+kd'
        ? chosen.lambda[method]
        : method === 'fitnet-fixed'
          ? chosen.lambda.vid // VID's weight: the control differs from VID in the variances only
          : null;
    const T = method === 'kd' || method === 'vid+kd' ? temperature : null;
    return student(method, width, lambda, T, perClass);
  };

  // Batch 3: every method x width x seed, and the data-limited grid.
  const finalJobs = config.seeds.flatMap((seed) =>
    config.widths.flatMap((width) =>
      (['student', 'kd', 'fitnet', 'vid', 'vid+kd', 'fitnet-fixed'] as const).map((m) =>
        studentJob(settingOf(m, width), seed),
      ),
    ),
  );
  const limitedJobs = config.seeds.flatMap((seed) =>
    config.perClass.flatMap((n) =>
      LIMITED_METHODS.map((m) => studentJob(settingOf(m, W, n), seed)),
    ),
  );
  const batch3 = await runMany(NOTEBOOK, [...finalJobs, ...limitedJobs]);
  return {
    info,
    config,
    teachers: teacherRuns,
    chosen,
    tuning: [...tuning1, ...tuning2],
    students: batch3.slice(0, finalJobs.length),
    limited: batch3.slice(finalJobs.length),
  };
}
