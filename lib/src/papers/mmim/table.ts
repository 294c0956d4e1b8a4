// Table 1 of Xie & Hou (2021) rebuilt from a study: per row our mean +- sd over seeds, the paired
// improvement over the baseline, and verdicts computed by the rules in verdicts.ts; plus the
// paper's claims, each with its verdict and evidence. Rows and claims come out in the shared
// results format (report/results.ts).
import type { Claim, ResultRow, Verdict } from '../../report/results';
import { formatMeanSd, summarize, type Summary } from '../../report/summary';
import { PAPER_TABLE1, Method, Net, rowName } from './experiment';
import { Study, finalRuns } from './study';
import { PairedComparison, pairedComparison } from '../../report/paired-stats';
import {
  combineVerdicts,
  judgeBaselineRow,
  judgeBeatsBaseline,
  judgeImprovementRow,
} from '../../report/verdicts';

/** The results rows' table and metric names. */
export const TABLE_NAME = 'Table 1';
export const TABLE_METRIC = 'test accuracy %';

export interface TableRow {
  net: Net;
  method: Method;
  row: string;
  paper: number | null;
  lambda: number | null;
  ours: Summary;
  /** Paired improvement over the baseline (methods only). */
  improvement?: PairedComparison;
  paperImprovement?: number;
  verdict: Verdict;
  evidence: string;
}

export interface Table {
  rows: TableRow[];
  /** The rows that the paper reports, in the results format. */
  results: ResultRow[];
  claims: Claim[];
  /** True when the run had the paper's scale (full training and test sets). */
  comparable: boolean;
}

const accuracies = (study: Study, net: Net, method: Method) =>
  finalRuns(study, net, method).map((r) => r.testAccuracy);

/** Table 1 rebuilt from a study, with the claims. */
export function table(study: Study): Table {
  const comparable = study.dataInfo.fullScale;
  const rows: TableRow[] = [];
  const claims: Claim[] = [];
  for (const net of study.plan.nets) {
    const paper = PAPER_TABLE1[net];
    const base = accuracies(study, net, 'baseline');
    if (base.length === 0) continue;
    const baseJudged = judgeBaselineRow(paper.baseline!, base, comparable);
    rows.push({
      net,
      method: 'baseline',
      row: rowName(net, 'baseline'),
      paper: paper.baseline!,
      lambda: null,
      ours: summarize(base),
      ...baseJudged,
    });
    for (const method of study.plan.methods) {
      if (method === 'baseline') continue;
      const ours = accuracies(study, net, method);
      if (ours.length === 0 || ours.length !== base.length) continue;
      const paperValue = paper[method];
      const row: TableRow = {
        net,
        method,
        row: rowName(net, method),
        paper: paperValue ?? null,
        lambda: study.chosenLambda[net]?.[method] ?? null,
        ours: summarize(ours),
        improvement: pairedComparison(ours, base),
        verdict: 'inconclusive',
        evidence: 'the paper reports no number for this row',
      };
      if (paperValue !== undefined) {
        row.paperImprovement = paperValue - paper.baseline!;
        const judged = judgeImprovementRow(row.paperImprovement, ours, base, comparable);
        row.verdict = judged.verdict;
        row.evidence = judged.evidence;
      }
      rows.push(row);
    }
  }
  const find = (net: Net, method: Method) => rows.find((r) => r.net === net && r.method === method);
  const beats = (net: Net, method: Method, over: Method) => {
    const a = accuracies(study, net, method);
    const b = accuracies(study, net, over);
    const paper = PAPER_TABLE1[net];
    return judgeBeatsBaseline(paper[method]! - paper[over]!, a, b, comparable);
  };
  for (const net of study.plan.nets) {
    if (!find(net, 'MMIM') || !find(net, 'baseline')) continue;
    const j = beats(net, 'MMIM', 'baseline');
    claims.push({
      claim: `${net}: MMIM beats the baseline`,
      verdict: j.verdict,
      evidence: j.evidence,
    });
  }
  // The paper credits MMIM's whole gain to its information terms. Step 2 also trains the last layer
  // for more epochs, so the control is that same retraining of the baseline without the KL term:
  // MMIM should beat it by the paper's gain.
  for (const net of study.plan.nets) {
    if (!find(net, 'MMIM')) continue;
    const control = finalRuns(study, net, 'baseline').map(
      (r) => r.lastLayerControls?.withoutKl.testAccuracy ?? NaN,
    );
    const mmim = accuracies(study, net, 'MMIM');
    if (control.length !== mmim.length || control.some((v) => !Number.isFinite(v))) continue;
    const paper = PAPER_TABLE1[net];
    const j = judgeBeatsBaseline(
      paper.MMIM! - paper.baseline!,
      mmim,
      control,
      comparable,
      'MMIM minus the retrained baseline',
    );
    claims.push({
      claim: `${net}: MMIM's gain comes from its information terms (MMIM beats the baseline with its last layer retrained the same way, without them)`,
      verdict: j.verdict,
      evidence: j.evidence,
    });
  }
  const single = study.plan.nets.flatMap((net) =>
    (['C4', 'C5', 'C6'] as const)
      .filter((m) => find(net, m))
      .map((m) => ({ net, m, j: beats(net, m, 'baseline') })),
  );
  if (single.length > 0) {
    claims.push({
      claim: 'Each of C4, C5 and C6 alone beats the baseline',
      verdict: combineVerdicts(single.map((s) => s.j.verdict)),
      evidence: single
        .map(
          (s) =>
            `${s.net} ${s.m}: ${s.j.verdict} (${s.j.comparison.meanDiff.toFixed(2)} points, 95% CI ${s.j.comparison.ci95.map((v) => v.toFixed(2)).join(' .. ')})`,
        )
        .join('; '),
    });
  }
  const best = study.plan.nets.flatMap((net) =>
    (['C4', 'C5', 'C6'] as const)
      .filter((m) => find(net, m) && find(net, 'MMIM'))
      .map((m) => ({ net, m, j: beats(net, 'MMIM', m) })),
  );
  if (best.length > 0) {
    claims.push({
      claim: 'MMIM beats each single term (C4, C5, C6)',
      verdict: combineVerdicts(best.map((s) => s.j.verdict)),
      evidence: best
        .map(
          (s) =>
            `${s.net} vs ${s.m}: ${s.j.verdict} (${s.j.comparison.meanDiff.toFixed(2)} points)`,
        )
        .join('; '),
    });
  }
  const results: ResultRow[] = rows
    .filter((r) => r.paper !== null)
    .map((r) => ({
      table: TABLE_NAME,
      row: r.row,
      metric: TABLE_METRIC,
      paper: r.paper,
      ours: r.ours,
      verdict: r.verdict,
    }));
  return { rows, results, claims, comparable };
}

/** A single number for a display table, to a fixed number of decimals ('' when missing). */
const fmt = (v: number | null | undefined, digits = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '';

/** Table 1 as display records: paper vs ours, the paired improvement and the verdict. */
export function tableRecords(rebuilt: Table): Record<string, string | number>[] {
  return rebuilt.rows.map((r) => ({
    row: r.row,
    'paper %': r.paper ?? '',
    'ours % (mean ± sd)': formatMeanSd(r.ours),
    seeds: r.ours.n,
    lambda: r.lambda ?? '',
    'paper gain': fmt(r.paperImprovement),
    'our gain (95% CI)': !r.improvement
      ? ''
      : r.improvement.n < 2
        ? `${fmt(r.improvement.meanDiff)} (one seed: no interval)`
        : `${fmt(r.improvement.meanDiff)} (${fmt(r.improvement.ci95[0])} .. ${fmt(r.improvement.ci95[1])})`,
    verdict: r.verdict,
  }));
}

/** The paired comparisons against the baseline, one record per method row. */
export function pairedRecords(rebuilt: Table): Record<string, string | number>[] {
  return rebuilt.rows
    .filter((r) => r.improvement)
    .map((r) => {
      const c = r.improvement!;
      return {
        row: r.row,
        'mean diff': fmt(c.meanDiff),
        'sd diff': fmt(c.sdDiff),
        n: c.n,
        t: fmt(c.t),
        'p (paired t)': fmt(c.pT, 3),
        'better / worse / tied': `${c.wins} / ${c.losses} / ${c.ties}`,
        'p (sign test)': fmt(c.pSign, 3),
      };
    });
}

/** Where MMIM's gain comes from: test accuracy of the baseline, of the baseline with its last
 * layer retrained (with and without the C3 term, the controls for step 2's extra training), of
 * MMIM after step 1 only and of full MMIM, each with its paired difference to the baseline. */
export function ablationRecords(study: Study): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  for (const net of study.plan.nets) {
    const base = finalRuns(study, net, 'baseline');
    const mmim = finalRuns(study, net, 'MMIM');
    const variants: [string, number[]][] = [
      ['baseline', base.map((r) => r.testAccuracy)],
      [
        'baseline + last layer retrained (no KL)',
        base.map((r) => r.lastLayerControls?.withoutKl.testAccuracy ?? NaN),
      ],
      ['baseline + step 2 (C3)', base.map((r) => r.lastLayerControls?.withC3.testAccuracy ?? NaN)],
      ['MMIM step 1 only (C1)', mmim.map((r) => r.step1?.testAccuracy ?? NaN)],
      ['MMIM (C1, then C3)', mmim.map((r) => r.testAccuracy)],
    ];
    const baseAcc = variants[0][1];
    for (const [variant, acc] of variants) {
      if (acc.length === 0 || acc.some((v) => !Number.isFinite(v))) continue;
      const s = summarize(acc);
      const paired =
        acc.length === baseAcc.length && variant !== 'baseline'
          ? pairedComparison(acc, baseAcc)
          : null;
      out.push({
        net,
        variant,
        'test % (mean ± sd)': formatMeanSd(s),
        seeds: s.n,
        'minus baseline': paired ? fmt(paired.meanDiff) : '',
        'seeds better': paired ? `${paired.wins}/${paired.n}` : '',
      });
    }
  }
  return out;
}

/** Did C4 lower the layer's total correlation, or only its own critic's estimate? One row per
 * first-seed run that carries an identity check (the baseline, then C4 at each lambda): test
 * accuracy, the training critic's TC estimate in the last epoch, and TC(h) of the trained layer
 * by estimators that never saw the penalty (a fresh MINE critic per seed, KSG on the most
 * variable units, Gaussian entropies), in nats as mean ± sd over seeds or parts. */
export function tcProbeRecords(study: Study): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  for (const net of study.plan.nets) {
    const probed = study.runs
      .filter(
        (r) =>
          r.config.net === net &&
          r.identity &&
          (r.config.method === 'baseline' || r.config.method === 'C4'),
      )
      .sort((a, b) => a.config.lambda - b.config.lambda);
    for (const r of probed) {
      const report = r.identity!;
      const lastTc = r.curve[r.curve.length - 1]?.terms.tc;
      out.push({
        net,
        layer: r.config.method === 'baseline' ? 'baseline' : `C4 λ=${r.config.lambda}`,
        seed: r.config.seed,
        'test %': Number(r.testAccuracy.toFixed(2)),
        'training critic, last epoch': fmt(lastTc),
        'units: MINE / KSG / Gaussian': `${report.units} / ${report.knnUnits} / ${report.gaussianUnits}`,
        'fresh MINE critic': report.neural ? formatMeanSd(report.neural.terms.tc) : '',
        KSG: formatMeanSd(report.knn.terms.tc),
        Gaussian: formatMeanSd(report.gaussian.terms.tc),
      });
    }
  }
  return out;
}
