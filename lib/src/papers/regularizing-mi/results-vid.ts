// Part C judged: the VID table rows (Fashion-MNIST beside the paper's CIFAR-10 MLP rows, which
// are "not run here") and claims C1-C4 with the fixed-weight control and the MI probe.
import { studentTQuantile } from '../../report/paired-stats';
import {
  notRunRow,
  type Claim,
  type NotRunRow,
  type ResultRow,
  type Verdict,
} from '../../report/results';
import { summarize } from '../../report/summary';
import { MIN_SEEDS_FOR_VERDICT } from '../../report/verdicts';
import { PART_C_CLAIMS, VID_CIFAR_MLP, VID_FEW_DATA } from './paper';
import {
  METHOD_LABELS,
  ci,
  claimText,
  fmt,
  intervalVerdict,
  pairBySeed,
  seedDifferences,
  test,
  testOf,
} from './results';
import type { VidStudy } from './study';
import type { StudentRun, VidMethod } from './vid';

function students(study: VidStudy, method: VidMethod, width: number): StudentRun[] {
  return study.students
    .filter((r) => r.method === method && r.width === width)
    .sort((a, b) => a.seed - b.seed);
}

function limitedRuns(study: VidStudy, method: VidMethod, perClass: number): StudentRun[] {
  return study.limited
    .filter((r) => r.method === method && r.perClass === perClass)
    .sort((a, b) => a.seed - b.seed);
}

const CIFAR_REASON =
  'CIFAR-10 is not available offline, and a WRN-40-2 teacher is out of reach on two CPU cores';

export function vidRows(study: VidStudy): Array<ResultRow | NotRunRow> {
  const rows: Array<ResultRow | NotRunRow> = [];
  for (const [method, values] of Object.entries(VID_CIFAR_MLP.rows))
    VID_CIFAR_MLP.widths.forEach((w, i) =>
      rows.push(
        notRunRow(
          {
            table: 'VID, CIFAR-10, WRN-40-2 → MLP',
            row: `${METHOD_LABELS[method]}, MLP-${w}`,
            metric: 'test accuracy %',
            paper: values[i],
          },
          CIFAR_REASON,
        ),
      ),
    );
  for (const t of VID_FEW_DATA)
    for (const [method, values] of Object.entries(t.rows))
      t.perClass.forEach((n, i) =>
        rows.push(
          notRunRow(
            {
              table: `VID, ${t.dataset}, few images per class`,
              row: `${method}, ${n} per class`,
              metric: 'test accuracy %',
              paper: values[i],
            },
            `${t.dataset} and its ImageNet-trained teacher are not available offline`,
          ),
        ),
      );
  const methods = [...new Set(study.students.map((r) => r.method))];
  for (const width of study.config.widths)
    for (const m of methods)
      rows.push({
        table: 'VID, Fashion-MNIST stand-in, smallCnn → MLP (3 hidden layers)',
        row: `${METHOD_LABELS[m]}, width ${width}`,
        metric: 'test accuracy %',
        paper: null,
        ours: summarize(testOf(students(study, m, width))),
        verdict: 'inconclusive',
      });
  for (const n of study.config.perClass)
    for (const m of [...new Set(study.limited.map((r) => r.method))])
      rows.push({
        table: `VID, Fashion-MNIST stand-in, few images per class (width ${study.config.tuneWidth})`,
        row: `${METHOD_LABELS[m]}, ${n} per class`,
        metric: 'test accuracy %',
        paper: null,
        ours: summarize(testOf(limitedRuns(study, m, n))),
        verdict: 'inconclusive',
      });
  return rows;
}

/** OLS slope of y on x with a Student-t 95 % interval (n - 2 degrees of freedom). */
export function slopeWithInterval(
  x: readonly number[],
  y: readonly number[],
): { slope: number; ci95: [number, number]; n: number } {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0);
  const slope = x.reduce((a, v, i) => a + (v - mx) * (y[i] - my), 0) / sxx;
  if (n < 3 || !(sxx > 0)) return { slope, ci95: [-Infinity, Infinity], n };
  const residual = y.reduce((a, v, i) => a + (v - my - slope * (x[i] - mx)) ** 2, 0);
  const se = Math.sqrt(residual / (n - 2) / sxx);
  const half = studentTQuantile(0.975, n - 2) * se;
  return { slope, ci95: [slope - half, slope + half], n };
}

/**
 * Whether a run shows the two stages: by some epoch e <= 0.6 E the task loss has made >= 70 % of
 * its total decrease while the VID term has moved by at most 30 % of its own (either way: a rise
 * is not "barely changing"). `flat`: the VID term's total change is under 3 sd of its
 * epoch-to-epoch noise, the sd of its successive differences over the second half of training
 * (the first half holds the trend), and the run cannot tell.
 *
 * What moves: `logVarianceShare`, the part of the VID term's change made by its log-variance
 * part (the rest is the variance-weighted residual); `regressorAfterFirst`, the share of the
 * regressor's squared error decrease (the part FitNet trains too) made by the end of the first
 * epoch. A late fall made by the log-variance alone is the variances shrinking, not the student's
 * features moving toward the teacher's.
 */
export function twoStage(run: StudentRun): {
  holds: boolean;
  flat: boolean;
  vidChange: number;
  noise: number;
  logVarianceShare: number;
  regressorAfterFirst: number;
} {
  const c = run.curve;
  const task = c.map((e) => e.taskLoss);
  const vid = c.map((e) => e.terms!.vid!);
  const last = c.length - 1;
  const fraction = (v: number[], e: number) => (v[0] - v[e]) / (v[0] - v[last]);
  let holds = false;
  for (let e = 1; e <= Math.floor(0.6 * last); e++)
    if (fraction(task, e) >= 0.7 && Math.abs(fraction(vid, e)) <= 0.3) holds = true;
  const half = vid.slice(Math.floor(last / 2));
  const diffs = half.slice(1).map((v, i) => v - half[i]);
  const md = diffs.reduce((a, b) => a + b, 0) / Math.max(1, diffs.length);
  const noise = Math.sqrt(
    diffs.reduce((a, d) => a + (d - md) ** 2, 0) / Math.max(1, diffs.length - 1),
  );
  const vidChange = vid[0] - vid[last];
  const logVariance = c.map((e) => e.terms!.logVariance!);
  const regressor = c.map((e) => e.terms!.fitnet);
  return {
    holds,
    flat: Math.abs(vidChange) < 3 * noise,
    vidChange,
    noise,
    logVarianceShare: (logVariance[0] - logVariance[last]) / vidChange,
    regressorAfterFirst: fraction(regressor, 1),
  };
}

export function vidClaims(study: VidStudy): Claim[] {
  const enough = study.config.seeds.length >= MIN_SEEDS_FOR_VERDICT;
  const widths = study.config.widths;
  const claims: Claim[] = [];

  // C1: VID > FitNet > Student at every width.
  const perWidth = widths.map((w) => ({
    w,
    vidFit: pairBySeed(students(study, 'vid', w), students(study, 'fitnet', w), test),
    fitStudent: pairBySeed(students(study, 'fitnet', w), students(study, 'student', w), test),
    kd: pairBySeed(students(study, 'kd', w), students(study, 'student', w), test),
  }));
  const parts = perWidth.flatMap((p) => [p.vidFit, p.fitStudent]);
  claims.push({
    claim: claimText(PART_C_CLAIMS, 'C1'),
    verdict: !enough
      ? 'inconclusive'
      : parts.some((c) => c.ci95[1] < 0)
        ? 'not reproduced'
        : parts.every((c) => c.ci95[0] > 0)
          ? 'reproduced'
          : 'inconclusive',
    evidence:
      perWidth
        .map(
          (p) =>
            `W = ${p.w}: VID − FitNet ${fmt(p.vidFit.meanDiff)} ${ci(p.vidFit)}, FitNet − ` +
            `Student ${fmt(p.fitStudent.meanDiff)} ${ci(p.fitStudent)}`,
        )
        .join('; ') + ' (points, paired by seed).',
  });
  // C1b: KD equal to the student within +-0.5 points at every width.
  const kdInside = perWidth.every((p) => p.kd.ci95[0] > -0.5 && p.kd.ci95[1] < 0.5);
  const kdOutside = perWidth.some((p) => p.kd.ci95[0] > 0.5 || p.kd.ci95[1] < -0.5);
  claims.push({
    claim: claimText(PART_C_CLAIMS, 'C1b'),
    verdict: !enough
      ? 'inconclusive'
      : kdInside
        ? 'reproduced'
        : kdOutside
          ? 'not reproduced'
          : 'inconclusive',
    evidence:
      perWidth.map((p) => `W = ${p.w}: KD − Student ${fmt(p.kd.meanDiff)} ${ci(p.kd)}`).join('; ') +
      ' (points). Equal means the whole interval inside ±0.5 points at every width; not ' +
      'reproduced when an interval lies wholly outside.',
  });

  // C2: VID's gain over the student against log width.
  const gainPoints = widths.flatMap((w) =>
    seedDifferences(students(study, 'vid', w), students(study, 'student', w), test).map((y) => ({
      x: Math.log(w),
      y,
    })),
  );
  const c2 = slopeWithInterval(
    gainPoints.map((p) => p.x),
    gainPoints.map((p) => p.y),
  );
  claims.push({
    claim: claimText(PART_C_CLAIMS, 'C2'),
    verdict: intervalVerdict(c2.ci95, enough && widths.length >= 2),
    evidence:
      `Slope of the per-seed gain (VID − Student, points) on ln(width) over ${c2.n} runs: ` +
      `${fmt(c2.slope)} ${ci(c2)}. The paper's gains: +14.58 / +12.69 / +7.67 at 4096 / 2048 / 1024 ` +
      `on CIFAR-10.`,
  });

  // C3: VID's gain over FitNet against log images per class.
  const limitedPoints = study.config.perClass.flatMap((n) =>
    seedDifferences(limitedRuns(study, 'vid', n), limitedRuns(study, 'fitnet', n), test).map(
      (y) => ({ x: Math.log(n), y }),
    ),
  );
  const c3 = slopeWithInterval(
    limitedPoints.map((p) => p.x),
    limitedPoints.map((p) => p.y),
  );
  claims.push({
    claim: claimText(PART_C_CLAIMS, 'C3'),
    verdict:
      !enough || study.config.perClass.length < 2
        ? 'inconclusive'
        : c3.ci95[1] < 0
          ? 'reproduced'
          : c3.ci95[0] > 0
            ? 'not reproduced'
            : 'inconclusive',
    evidence:
      `Slope of the per-seed VID − FitNet difference (points) on ln(images per class) over ` +
      `${c3.n} runs (${study.config.perClass.join(', ')} per class, ${study.config.limitedSteps} ` +
      `steps): ${fmt(c3.slope)} ${ci(c3)}; negative means a larger gain with fewer data.`,
  });

  // C4: two stages in the VID runs; a flat run (its VID term within its noise) cannot tell.
  const vidRuns = study.students.filter((r) => r.method === 'vid' && r.curve.length > 2);
  const allStages = vidRuns.map((run) => ({ width: run.width, ...twoStage(run) }));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const meanPercent = (v: number[]) => fmt(100 * mean(v), 0);
  const judged = widths.map((w) => {
    const stages = allStages.filter((s) => s.width === w);
    const told = stages.filter((s) => !s.flat);
    return { w, holds: told.filter((s) => s.holds).length, told: told.length, n: stages.length };
  });
  const undecided = judged.some((j) => j.told < Math.ceil(j.n / 2) || j.n === 0);
  const c4: Verdict =
    !enough || undecided
      ? 'inconclusive'
      : judged.every((j) => j.holds >= 2)
        ? 'reproduced'
        : judged.every((j) => j.holds <= 1)
          ? 'not reproduced'
          : 'inconclusive';
  claims.push({
    claim: claimText(PART_C_CLAIMS, 'C4'),
    verdict: c4,
    evidence:
      judged.map((j) => `W = ${j.w}: ${j.holds} of ${j.n} runs (${j.n - j.told} flat)`).join('; ') +
      ' show it (by some epoch <= 60 % of training, the task loss has made >= 70 % of its ' +
      'decrease and the VID term has moved <= 30 % of its own; flat: the VID term changed by ' +
      'less than 3 sd of its epoch-to-epoch noise). Reproduced with >= 2 of 3 at every width.' +
      (allStages.length === 0
        ? ''
        : ` What moves (mean of ${allStages.length} runs): the log-variance part makes ` +
          `${meanPercent(allStages.map((s) => s.logVarianceShare))} % of the VID term's ` +
          `change, and the regressor's squared error has made ` +
          `${meanPercent(allStages.map((s) => s.regressorAfterFirst))} % of its decrease by ` +
          'the end of the first epoch' +
          (mean(allStages.map((s) => s.logVarianceShare)) >= 0.8
            ? ': the second stage is mostly the variances shrinking.'
            : '.')),
  });

  // Control: the learned per-channel variances against fixed weights 1/Var_c.
  const control = widths.map((w) => ({
    w,
    c: pairBySeed(students(study, 'vid', w), students(study, 'fitnet-fixed', w), test),
  }));
  claims.push({
    claim:
      "Control: VID's edge is more than a per-channel weighting (VID beats FitNet weighted by " +
      'fixed 1/Var_c(t))',
    verdict: !enough
      ? 'inconclusive'
      : control.every((x) => x.c.ci95[0] > 0)
        ? 'reproduced'
        : control.every((x) => x.c.ci95[1] < 0.5)
          ? 'not reproduced'
          : 'inconclusive',
    evidence:
      control
        .map((x) => `W = ${x.w}: VID − fixed-weight FitNet ${fmt(x.c.meanDiff)} ${ci(x.c)}`)
        .join('; ') +
      ' (points). Not reproduced when no width leaves room for a gain of half a point.',
  });

  // Beyond the paper: the independent probe of I(t;s).
  const probed = (m: VidMethod) =>
    students(study, m, study.config.tuneWidth).filter((r) => r.probe !== null);
  const pv = probed('vid');
  const pf = probed('fitnet');
  const seeds = pv.map((r) => r.seed).filter((seed) => pf.some((r) => r.seed === seed));
  if (seeds.length > 0) {
    const c = pairBySeed(pv, pf, (r) => r.probe!.mi, { intersect: true });
    const warned = [...pv, ...pf].filter((r) => seeds.includes(r.seed) && r.probe!.warning);
    claims.push({
      claim:
        'Beyond the paper: VID raises I(teacher relu3; student hidden3) more than FitNet, by an ' +
        'estimator that never saw the loss (SMILE)',
      verdict: intervalVerdict(
        c.ci95,
        enough && warned.length === 0 && c.n >= MIN_SEEDS_FOR_VERDICT,
      ),
      evidence:
        `VID − FitNet at width ${study.config.tuneWidth}, seeds ${seeds.join(', ')}: ` +
        `${fmt(c.meanDiff)} nats ${ci(c)} (VID ${pv.map((r) => fmt(r.probe!.mi)).join(', ')}; ` +
        `FitNet ${pf.map((r) => fmt(r.probe!.mi)).join(', ')}).` +
        (warned.length > 0
          ? ` ${warned.length} estimate(s) carry a warning (e.g. "${warned[0].probe!.warning}"): ` +
            'two deterministic functions of one image share more information than the ' +
            'held-out rows can certify, so no verdict.'
          : ''),
    });
  }
  return claims;
}
