// What notebook 002 shows: table records (for showTable) and chart series (for lineChart) of the
// three parts. Means are over seeds, "±" the sample sd.
import type { LineSeries } from '../../display/plot';
import { binaryRateDistortion, uniformRateDistortion } from '../../mi/discrete/closed-forms';
import { rateDistortionCurve } from '../../mi/discrete/blahut-arimoto';
import { summarize, summarizeFinite } from '../../report/summary';
import type { BnnRun } from './bnn';
import type { GibbsCase } from './gibbs';
import { METHOD_LABELS } from './results';
import { curveArea } from './results-bnn';
import { twoStage } from './results-vid';
import type { BnnStudy, VidStudy } from './study';
import type { StudentRun } from './vid';

const fixed = (values: number[], digits = 2) => {
  if (values.length === 0) return '';
  const s = summarize(values);
  return values.length > 1
    ? `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}`
    : s.mean.toFixed(digits);
};

// ---------------------------------------------------------------- Part A

/** Blahut-Arimoto's R(D) against the closed form: a binary source and a uniform 4-ary source
 * with Hamming distortion, over a sweep of beta. */
export function rateDistortionSeries(
  betas: readonly number[] = logGrid(0.05, 12, 30),
): LineSeries[] {
  const out: LineSeries[] = [];
  const sources: Array<{ name: string; px: number[]; exact: (d: number) => number }> = [
    { name: 'Bernoulli(0.3)', px: [0.3, 0.7], exact: (d) => binaryRateDistortion(0.3, d) },
    {
      name: 'uniform 4-ary',
      px: [0.25, 0.25, 0.25, 0.25],
      exact: (d) => uniformRateDistortion(4, d),
    },
  ];
  for (const s of sources) {
    const m = s.px.length;
    const hamming = Array.from({ length: m }, (_, i) =>
      Array.from({ length: m }, (_, j) => (i === j ? 0 : 1)),
    );
    const points = rateDistortionCurve(s.px, hamming, betas).sort(
      (a, b) => a.distortion - b.distortion,
    );
    out.push({
      name: `${s.name}: Blahut-Arimoto`,
      x: points.map((p) => p.distortion),
      y: points.map((p) => p.rate),
    });
    out.push({
      name: `${s.name}: closed form`,
      x: points.map((p) => p.distortion),
      y: points.map((p) => s.exact(p.distortion)),
    });
  }
  return out;
}

function logGrid(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from * (to / from) ** (i / (count - 1)));
}

/** M7's enumerated Gibbs learners: I(w;S), the expected gap and Xu-Raginsky's bound. */
export function learnerRecords(cases: readonly GibbsCase[]): Record<string, string | number>[] {
  return cases.map((c) => ({
    n: c.n,
    gamma: c.gamma,
    'I(w;S) (nats)': c.mi.toFixed(4),
    'expected gap': c.gap.toFixed(4),
    'bound sqrt(I / 2n)': c.bound.toFixed(4),
    'gap / bound': (Math.abs(c.gap) / c.bound).toFixed(2),
    holds: c.holds ? 'yes' : 'NO',
  }));
}

// ---------------------------------------------------------------- Part B

const bnnOrder = ['vanilla', 'fixed-prior', 'beta-bnn', 'online', 'deterministic'];

/** Runs grouped by everything but the seed (method, optimiser, beta, K, epochs, KL estimate),
 * in the table's method order. */
function bySetting(runs: readonly BnnRun[]): Array<[string, BnnRun[]]> {
  const groups = new Map<string, BnnRun[]>();
  const ordered = [...runs].sort(
    (a, b) =>
      bnnOrder.indexOf(a.method) - bnnOrder.indexOf(b.method) ||
      a.components - b.components ||
      a.seed - b.seed,
  );
  for (const r of ordered) {
    const key = JSON.stringify([
      r.method,
      r.optimizer,
      r.beta,
      r.components,
      r.epochs,
      r.estimator,
    ]);
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => [g[0].method, g]);
}

export function bnnRecords(runs: readonly BnnRun[]): Record<string, string | number>[] {
  return bySetting(runs).map(([m, r]) => ({
    method: METHOD_LABELS[m],
    optimizer: r[0].optimizer,
    beta: r[0].beta === null ? '' : r[0].beta.toExponential(1),
    K: r[0].components,
    epochs: r[0].epochs,
    'KL estimate':
      r[0].method === 'deterministic' ? '' : r[0].estimator === 'mc' ? 'one sample' : 'upper bound',
    seeds: r.length,
    'test %': fixed(r.map((x) => x.testAccuracy)),
    'mean test % over epochs': fixed(r.map(curveArea)),
    'KL after pass 1':
      r[0].curve[0].kl === null
        ? ''
        : fixed(
            r.map((x) => x.curve[0].kl!),
            0,
          ),
    'KL at the end':
      r[0].curve[0].kl === null
        ? ''
        : fixed(
            r.map((x) => x.curve[x.curve.length - 1].kl!),
            0,
          ),
    'mean posterior sd':
      r[0].curve[0].meanSd === null
        ? ''
        : fixed(
            r.map((x) => x.curve[x.curve.length - 1].meanSd!),
            4,
          ),
    'minutes per run': fixed(
      r.map((x) => x.seconds / 60),
      1,
    ),
  }));
}

/** Validation accuracy after the selection epochs against log10 beta, per tuned variant. */
export function selectionSeries(study: BnnStudy): LineSeries[] {
  return bySetting(study.selection).map(([m, r]) => {
    const sorted = [...r].sort((a, b) => a.beta! - b.beta!);
    return {
      name: METHOD_LABELS[m],
      x: sorted.map((x) => Math.log10(x.beta!)),
      y: sorted.map((x) => x.valAccuracy),
    };
  });
}

/** Mean over seeds of a per-epoch quantity, per method (error bars: sd). */
export function bnnCurveSeries(
  runs: readonly BnnRun[],
  value: (e: BnnRun['curve'][number]) => number | null = (e) => e.testAccuracy,
): LineSeries[] {
  const out: LineSeries[] = [];
  for (const [m, r] of bySetting(runs)) {
    if (value(r[0].curve[0]) === null) continue;
    const epochs = Math.min(...r.map((x) => x.curve.length));
    const stats = Array.from({ length: epochs }, (_, e) =>
      summarize(r.map((x) => value(x.curve[e])!)),
    );
    out.push({
      name: METHOD_LABELS[m],
      x: stats.map((_, e) => e + 1),
      y: stats.map((s) => s.mean),
      error: stats.map((s) => s.sd),
    });
  }
  return out;
}

// ---------------------------------------------------------------- Part C

export function vidRecords(runs: readonly StudentRun[]): Record<string, string | number>[] {
  const keys = [...new Set(runs.map((r) => `${r.width}|${r.perClass ?? 'all'}|${r.method}`))];
  return keys.map((k) => {
    const [width, perClass, method] = k.split('|');
    const r = runs.filter(
      (x) =>
        String(x.width) === width &&
        String(x.perClass ?? 'all') === perClass &&
        x.method === method,
    );
    const probes = r.filter((x) => x.probe !== null).map((x) => x.probe!.mi);
    return {
      width: Number(width),
      'images per class': perClass,
      method: METHOD_LABELS[method],
      lambda: r[0].lambda ?? '',
      T: r[0].temperature ?? '',
      seeds: r.length,
      'test %': fixed(r.map((x) => x.testAccuracy)),
      'SMILE I(t;s), nats': probes.length ? fixed(probes) : '',
    };
  });
}

/** The two stages of VID runs at one width: the fraction of the total decrease each term has made
 * by each epoch (mean over seeds), and VID's log-variance and residual parts. */
export function twoStageSeries(study: VidStudy, width: number): LineSeries[] {
  const runs = study.students.filter(
    (r) => r.method === 'vid' && r.width === width && r.curve.length > 2,
  );
  if (runs.length === 0) return [];
  const epochs = Math.min(...runs.map((r) => r.curve.length));
  const fraction = (pick: (e: StudentRun['curve'][number]) => number) =>
    Array.from(
      { length: epochs },
      (_, e) =>
        summarize(
          runs.map((r) => {
            const v = r.curve.map(pick);
            return (v[0] - v[e]) / (v[0] - v[v.length - 1]);
          }),
        ).mean,
    );
  const x = Array.from({ length: epochs }, (_, e) => e);
  return [
    { name: 'task loss: share of its decrease', x, y: fraction((e) => e.taskLoss) },
    { name: 'VID term: share of its decrease', x, y: fraction((e) => e.terms!.vid!) },
  ];
}

/** VID's term and its two parts over epochs at one width (mean over seeds). */
export function vidTermSeries(study: VidStudy, width: number): LineSeries[] {
  const runs = study.students.filter(
    (r) => r.method === 'vid' && r.width === width && r.curve.length > 2,
  );
  if (runs.length === 0) return [];
  const epochs = Math.min(...runs.map((r) => r.curve.length));
  const mean = (pick: (e: StudentRun['curve'][number]) => number) =>
    Array.from(
      { length: epochs },
      (_, e) => summarizeFinite(runs.map((r) => pick(r.curve[e]))).mean,
    );
  const x = Array.from({ length: epochs }, (_, e) => e);
  return [
    { name: '-ln q(t|s) per element', x, y: mean((e) => e.terms!.vid!) },
    { name: 'residual part', x, y: mean((e) => e.terms!.residual!) },
    { name: 'log-variance part', x, y: mean((e) => e.terms!.logVariance!) },
    { name: 'task cross-entropy', x, y: mean((e) => e.taskLoss) },
  ];
}

/** Per VID run: does it show the two stages? */
export function twoStageRecords(study: VidStudy): Record<string, string | number>[] {
  return study.students
    .filter((r) => r.method === 'vid' && r.curve.length > 2)
    .map((r) => {
      const s = twoStage(r);
      return {
        width: r.width,
        seed: r.seed,
        'two stages': s.flat ? 'cannot tell (flat)' : s.holds ? 'yes' : 'no',
        'VID term change': s.vidChange.toFixed(3),
        'epoch-to-epoch sd': s.noise.toFixed(3),
        'log-variance share of the change': `${(100 * s.logVarianceShare).toFixed(0)} %`,
        'regressor error fallen after epoch 1': `${(100 * s.regressorAfterFirst).toFixed(0)} %`,
      };
    });
}
