// The tables and chart series notebook 001 shows (means ± sd over seeds), from analysis.ts.
import type { LineSeries } from '../../display/plot';
import { summarize } from '../../report/summary';
import type { EpochPoint } from './experiment';
import type { StepMethod, StepRun } from './mi-step';
import { BASELINE_LABELS, HEAD_LAYERS, type BaselineKind } from './paper';
import { type MiDecomposition } from './selection';
import { RELEASED_DROPOUT, type ReleasedStudy, type TextStudy } from './study';
import {
  STEP_LABELS,
  fmt,
  stepRun,
  decomposition,
  continuedDecomposition,
  rankAgreement,
  depthPoints,
} from './analysis';

/** One line per method of the text study: test accuracy and what the method cost. */
export function accuracyRecords(study: TextStudy): Array<Record<string, string | number>> {
  const line = (method: string, setting: string, acc: number[], val: number[], secs: number[]) => {
    const a = summarize(acc);
    return {
      method,
      setting,
      'test accuracy %': `${fmt(a.mean)} ± ${fmt(a.sd)}`,
      'validation %': fmt(summarize(val).mean),
      seeds: a.n,
      'seconds per run': fmt(summarize(secs).mean, 0),
    };
  };
  const out = [
    line(
      'no dropout',
      `${study.config.epochs + study.config.retrainEpochs} epochs`,
      study.miSteps.map((s) => s.base.testAccuracy),
      study.miSteps.map((s) => s.base.valAccuracy),
      study.miSteps.map((s) => s.base.seconds),
    ),
  ];
  for (const kind of study.config.baselines) {
    const rates = [...new Set(study.baselines.filter((b) => b.kind === kind).map((b) => b.rate))];
    for (const rate of rates.sort()) {
      const runs = study.baselines.filter((b) => b.kind === kind && b.rate === rate);
      if (runs.length === 0) continue;
      const chosen = study.chosenRate[kind] === rate ? ' (chosen)' : '';
      out.push(
        line(
          BASELINE_LABELS[kind as BaselineKind],
          `p = ${rate}${chosen}`,
          runs.map((r) => r.run.testAccuracy),
          runs.map((r) => r.run.valAccuracy),
          runs.map((r) => r.run.seconds),
        ),
      );
    }
  }
  for (const method of ['prune', ...study.config.variants] as StepMethod[]) {
    const runs = study.miSteps.map((s) => ({ step: s, run: stepRun(s, method) }));
    const done = runs.filter((r) => r.run !== undefined);
    if (done.length === 0) continue;
    const fractions = [...new Set(done.map((r) => r.step.chosenFraction))].join(', ');
    out.push(
      line(
        STEP_LABELS[method],
        `E + E_r epochs, f = ${fractions}`,
        done.map((r) => r.run!.run.testAccuracy),
        done.map((r) => r.run!.run.valAccuracy),
        // The whole pipeline: E epochs, scoring, E_r epochs of retraining.
        done.map((r) => r.step.checkpointSeconds + r.step.scoringSeconds + r.run!.run.seconds),
      ),
    );
  }
  const threshold = study.miSteps
    .map((s) => s.sweep.find((r) => r.threshold !== null))
    .filter((r): r is StepRun => r !== undefined);
  if (threshold.length > 0) {
    out.push(
      line(
        "MI-Dropout at the released code's t = 0.05 nats",
        'E + E_r epochs',
        threshold.map((r) => r.run.testAccuracy),
        threshold.map((r) => r.run.valAccuracy),
        threshold.map((r) => r.run.seconds),
      ),
    );
  }
  return out;
}

/** Mean test and validation accuracy of each swept fraction, and what it removes. */
export function sweepRecords(study: TextStudy): Array<Record<string, string | number>> {
  const keys = new Map<string, StepRun[]>();
  for (const step of study.miSteps) {
    for (const run of step.sweep) {
      const k = run.fraction !== null ? `f = ${run.fraction}` : `t = ${run.threshold} nats`;
      keys.set(k, [...(keys.get(k) ?? []), run]);
    }
  }
  return [...keys].map(([candidate, runs]) => {
    const removed = HEAD_LAYERS.map((l) =>
      fmt(summarize(runs.map((r) => r.units[l].length)).mean, 0),
    );
    const implied = HEAD_LAYERS.map((l) =>
      fmt(summarize(runs.map((r) => r.impliedThreshold[l])).mean, 3),
    );
    return {
      candidate,
      'units removed (L1, L2, L3)': removed.join(', '),
      'implied t, nats (L1, L2, L3)': implied.join(', '),
      'validation %': fmt(summarize(runs.map((r) => r.run.valAccuracy)).mean),
      'test %': fmt(summarize(runs.map((r) => r.run.testAccuracy)).mean),
      'chosen on seeds': study.miSteps.filter((s) =>
        s.sweep.some((r) => runs.includes(r) && r.fraction === s.chosenFraction),
      ).length,
    };
  });
}

const meanSd = (values: number[]) => {
  const s = summarize(values);
  return { mean: s.mean, sd: s.sd };
};

/** Validation accuracy per epoch (mean over seeds, sd as error bars) of the main methods; the MI
 * step's runs start at epoch E + 1. */
export function curveSeries(study: TextStudy): LineSeries[] {
  const series = (name: string, curves: EpochPoint[][], offset = 0): LineSeries | null => {
    if (curves.length === 0) return null;
    const epochs = curves[0].map((p) => p.epoch + offset);
    const at = epochs.map((_, e) => meanSd(curves.map((c) => c[e]?.valAccuracy ?? NaN)));
    return { name, x: epochs, y: at.map((a) => a.mean), error: at.map((a) => a.sd) };
  };
  const out = [
    series(
      'no dropout',
      study.miSteps.map((s) => s.base.curve),
    ),
  ];
  for (const kind of study.config.baselines) {
    const rate = study.chosenRate[kind]!;
    const runs = study.baselines.filter((b) => b.kind === kind && b.rate === rate);
    out.push(
      series(
        `${BASELINE_LABELS[kind as BaselineKind]} p=${rate}`,
        runs.map((r) => r.run.curve),
      ),
    );
  }
  for (const method of ['prune', ...study.config.variants] as StepMethod[]) {
    const runs = study.miSteps.map((s) => stepRun(s, method)).filter((r): r is StepRun => !!r);
    out.push(
      series(
        STEP_LABELS[method],
        runs.map((r) => r.run.curve),
        study.config.epochs,
      ),
    );
  }
  return out.filter((s): s is LineSeries => s !== null);
}

/** Mean per-unit MI of each head layer (x = 1, 2, 3): before the step, the kept units before it,
 * after pruning by MI, after pruning at random, and after continued training. */
export function layerMiSeries(study: TextStudy): LineSeries[] {
  const x = HEAD_LAYERS.map((_, i) => i + 1);
  const line = (
    name: string,
    per: Record<string, MiDecomposition[]>,
    pick: keyof MiDecomposition,
  ) => {
    const at = HEAD_LAYERS.map((l) => meanSd(per[l].map((d) => d[pick])));
    return { name, x, y: at.map((a) => a.mean), error: at.map((a) => a.sd) };
  };
  const prune = decomposition(study, 'prune');
  const out = [
    line('before (all units)', prune, 'before'),
    line('before (units MI-Dropout keeps)', prune, 'retainedBefore'),
    line('after MI-Dropout + retraining', prune, 'after'),
    line('after continued training (no pruning)', continuedDecomposition(study), 'after'),
  ];
  if (study.config.variants.includes('random'))
    out.push(line('after random pruning + retraining', decomposition(study, 'random'), 'after'));
  return out;
}

/** The Fig. 2 decomposition per layer and method (means ± sd over seeds, nats). */
export function decompositionRecords(study: TextStudy): Array<Record<string, string>> {
  const methods: Array<[string, Record<string, MiDecomposition[]>]> = [
    ['MI-Dropout', decomposition(study, 'prune')],
    ['continued training', continuedDecomposition(study)],
  ];
  if (study.config.variants.includes('random'))
    methods.push(['random pruning', decomposition(study, 'random')]);
  const cell = (v: number[]) => `${fmt(summarize(v).mean, 4)} ± ${fmt(summarize(v).sd, 4)}`;
  return methods.flatMap(([method, per]) =>
    HEAD_LAYERS.map((layer) => ({
      method,
      layer,
      before: cell(per[layer].map((d) => d.before)),
      'kept, before': cell(per[layer].map((d) => d.retainedBefore)),
      after: cell(per[layer].map((d) => d.after)),
      'Δ selection': cell(per[layer].map((d) => d.selection)),
      'Δ retraining': cell(per[layer].map((d) => d.retraining)),
    })),
  );
}

/** Mean per-unit MI after retraining (and validation accuracy) against the prune fraction. */
export function sweepSeries(study: TextStudy): { mi: LineSeries[]; accuracy: LineSeries } {
  const fractions = [...new Set(study.miSteps.flatMap((s) => s.sweep.map((r) => r.fraction)))]
    .filter((f): f is number => f !== null)
    .sort((a, b) => a - b);
  const runsAt = (f: number) =>
    study.miSteps
      .map((s) => s.sweep.find((r) => r.fraction === f))
      .filter((r): r is StepRun => !!r);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mi = HEAD_LAYERS.map((layer, i) => {
    const at = fractions.map((f) => meanSd(runsAt(f).map((r) => mean(r.after[i].knn))));
    return { name: layer, x: fractions, y: at.map((a) => a.mean), error: at.map((a) => a.sd) };
  });
  const acc = fractions.map((f) => meanSd(runsAt(f).map((r) => r.run.valAccuracy)));
  return {
    mi,
    accuracy: {
      name: 'validation accuracy',
      x: fractions,
      y: acc.map((a) => a.mean),
      error: acc.map((a) => a.sd),
    },
  };
}

/** Estimator agreement and dead units at the checkpoint, per layer. */
export function unitRecords(study: TextStudy): Array<Record<string, string>> {
  const agreement = rankAgreement(study);
  return HEAD_LAYERS.map((layer, i) => {
    const widths = study.miSteps.map((s) => s.before[i].knn.length);
    const dead = study.miSteps.map((s, k) => (100 * s.before[i].dead.length) / widths[k]);
    const knn = study.miSteps.map((s) => Math.max(...s.before[i].knn));
    return {
      layer,
      units: String(widths[0]),
      'dead units %': `${fmt(summarize(dead).mean, 1)} ± ${fmt(summarize(dead).sd, 1)}`,
      'largest I(a; y), nats (k-NN)': fmt(summarize(knn).mean, 3),
      'Spearman k-NN vs binned': `${fmt(summarize(agreement[layer]).mean)} ± ${fmt(summarize(agreement[layer]).sd)}`,
    };
  });
}

/** Network-average MI and test accuracy against the head's depth (means ± sd over seeds). */
export function depthSeries(study: TextStudy): { mi: LineSeries; accuracy: LineSeries } {
  const points = depthPoints(study);
  const depths = [...new Set(points.map((p) => p.depth))];
  const at = (of: 'averageMi' | 'testAccuracy') =>
    depths.map((d) => meanSd(points.filter((p) => p.depth === d).map((p) => p[of])));
  const series = (name: string, values: Array<{ mean: number; sd: number }>) => ({
    name,
    x: depths,
    y: values.map((v) => v.mean),
    error: values.map((v) => v.sd),
  });
  return {
    mi: series('average per-unit MI (nats)', at('averageMi')),
    accuracy: series('test accuracy %', at('testAccuracy')),
  };
}

/** The released pipeline's runs, one line per step (means ± sd over seeds). */
export function releasedRecords(study: ReleasedStudy): Array<Record<string, string | number>> {
  const cell = (v: number[]) => `${fmt(summarize(v).mean)} ± ${fmt(summarize(v).sd)}`;
  const labels: Record<string, string> = {
    released: 'R1 MI step as released (class-0 label, scrambled re-init)',
    fixed: 'R2 MI step fixed (10-class label, consistent re-init)',
    continued: 'R3 10 more epochs, no MI step',
    random: 'R4 random re-init of as many units as R1',
  };
  const rows: Array<Record<string, string | number>> = [
    {
      run: 'MLP, 10 epochs (before the step)',
      'test accuracy %': cell(study.runs.map((r) => r.base.testAccuracy)),
      units: '',
    },
  ];
  for (const step of ['released', 'fixed', 'continued', 'random']) {
    const runs = study.runs.map((r) => r.steps.find((s) => s.step === step)!);
    rows.push({
      run: `${labels[step]}, +${study.config.retrainEpochs} epochs`,
      'test accuracy %': cell(runs.map((s) => s.run.testAccuracy)),
      units: fmt(summarize(runs.map((s) => s.units.length)).mean, 0),
    });
  }
  for (const kind of RELEASED_DROPOUT) {
    const runs = study.dropout.filter((d) => d.kind === kind);
    if (runs.length === 0) continue;
    const label = BASELINE_LABELS[kind as BaselineKind];
    rows.push({
      run: `${label} 0.5, 10 epochs`,
      'test accuracy %': cell(runs.map((r) => r.at10.testAccuracy)),
      units: '',
    });
    rows.push({
      run: `${label} 0.5, 20 epochs (budget-matched)`,
      'test accuracy %': cell(runs.map((r) => r.at20.testAccuracy)),
      units: '',
    });
  }
  return rows;
}
