// Tables (plain records for showTable) and chart series of the Deep-MI study.
import type { InformationPlanePoint } from '../../infoplane/charts';
import type { LineSeries, ScatterSeries } from '../../display/plot';
import { formatMeanSd } from '../../report/summary';
import { summarize } from '../../report/summary';
import {
  SIGNALS,
  configOf,
  phaseCells,
  scoreSignal,
  signal,
  typesIn,
  variantAnalysis,
} from './analysis';
import type { GridRun } from './grid';
import { D7_TABLE, PAPER_SIGNALS, type NetType, type PaperSignal } from './paper';
import { family, type PlaneRun } from './planes';
import type { SaturationRun } from './saturation';
import type { GridStudy, PlaneStudy } from './study';

const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const interval = (lo: number, hi: number) =>
  Number.isFinite(lo) ? `[${pct(lo)}, ${pct(hi)}]` : '';

const SHORT: Record<PaperSignal, string> = {
  trainAccuracy: 'train acc',
  trainLoss: 'train loss',
  trainMi: 'train MI',
};

/** The poster's table beside ours: per net type, each signal's % of pairs predicted. */
export function scoreRecords(runs: readonly GridRun[]): Array<Record<string, string | number>> {
  return typesIn(runs).map((type) => {
    const own = runs.filter((r) => r.type === type);
    const row: Record<string, string | number> = { net: type };
    for (const name of PAPER_SIGNALS) {
      const s = scoreSignal(own, signal(name));
      row[`${SHORT[name]}: paper`] = D7_TABLE[type as NetType][name];
      row[`${SHORT[name]}: ours`] = `${pct(s.score.estimate)} ${interval(...s.score.ci)}`;
    }
    const held = scoreSignal(own, signal('heldOutAccuracy'));
    row['held-out rows'] = `${pct(held.score.estimate)} ${interval(...held.score.ci)}`;
    row.pairs = scoreSignal(own, signal('trainMi')).pairs;
    return row;
  });
}

/** Every signal, pooled over types: score, interval, Kendall's tau-b. */
export function signalRecords(runs: readonly GridRun[]): Array<Record<string, string | number>> {
  return SIGNALS.map((s) => {
    const score = scoreSignal(runs, s);
    return {
      signal: s.label,
      role: s.role,
      'score %': pct(score.score.estimate),
      '95 % CI': interval(...score.score.ci),
      'per seed': formatMeanSd(score.perSeed),
      pairs: score.pairs,
    };
  });
}

/** The MI variants tried after the pre-registered one (sensitivity, Holm-adjusted). */
export function variantRecords(runs: readonly GridRun[]): Array<Record<string, string | number>> {
  return variantAnalysis(runs).map((v) => ({
    variant: v.signal.label,
    'advantage (points)': pct(v.advantage.estimate),
    '95 % CI': interval(...v.advantage.ci),
    'disagrees with loss': v.vsLoss.pairs,
    'MI right': v.vsLoss.firstRight,
    'loss right': v.vsLoss.secondRight,
    'Holm p': v.holmP.toPrecision(2),
  }));
}

/** Every configuration of every type: test accuracy and the main signals over seeds. */
export function runRecords(runs: readonly GridRun[]): Array<Record<string, string | number>> {
  const out: Array<Record<string, string | number>> = [];
  for (const type of typesIn(runs)) {
    const own = runs.filter((r) => r.type === type);
    for (const config of [...new Set(own.map(configOf))]) {
      const rs = own.filter((r) => configOf(r) === config);
      const ms = (f: (r: GridRun) => number) => formatMeanSd(summarize(rs.map(f)));
      out.push({
        net: type,
        config,
        'test %': ms((r) => r.testAccuracy),
        'train %': ms((r) => r.signals.trainAccuracy),
        'train loss': ms((r) => r.signals.trainLoss),
        'train MI (nats)': ms((r) => r.signals.trainMi),
        collapsed: rs.filter((r) => r.collapsed).length,
        seconds: Math.round(summarize(rs.map((r) => r.seconds)).mean),
      });
    }
  }
  return out;
}

/** Beyond: the label-noise runs, per type and noise rate. */
export function noiseRecords(study: GridStudy): Array<Record<string, string | number>> {
  const out: Array<Record<string, string | number>> = [];
  for (const type of typesIn(study.noise)) {
    for (const noise of [...new Set(study.noise.map((r) => r.noise))]) {
      const rs = study.noise.filter((r) => r.type === type && r.noise === noise);
      const ms = (f: (r: GridRun) => number) => formatMeanSd(summarize(rs.map(f)));
      out.push({
        net: type,
        'wrong labels %': Math.round(100 * noise),
        'train % (labels seen)': ms((r) => r.signals.trainAccuracy),
        'test %': ms((r) => r.testAccuracy),
        'held-out %': ms((r) => r.signals.heldOutAccuracy),
        'train MI (nats)': ms((r) => r.signals.trainMi),
        networks: rs.length,
      });
    }
  }
  return out;
}

/** Train MI against test accuracy, one series per net type (each point a network). */
export function miScatter(runs: readonly GridRun[]): ScatterSeries[] {
  return typesIn(runs).map((type) => {
    const rs = runs.filter((r) => r.type === type);
    return {
      name: type,
      x: rs.map((r) => r.signals.trainMi),
      y: rs.map((r) => r.testAccuracy),
      text: rs.map((r) => `${configOf(r)}, seed ${r.seed}`),
    };
  });
}

/** D3's picture: every network's end-of-training softmax plane point (I(X;T) = H(T), I(T;Y)),
 * one series per type, the collapsed networks as crosses. */
export function endPlaneScatter(runs: readonly GridRun[]): ScatterSeries[] {
  const series: ScatterSeries[] = typesIn(runs).map((type) => {
    const rs = runs.filter((r) => r.type === type && !r.collapsed);
    return {
      name: type,
      x: rs.map((r) => r.signals.softmaxEntropy),
      y: rs.map((r) => r.signals.trainMi),
      text: rs.map((r) => `${configOf(r)}, seed ${r.seed}: test ${pct(r.testAccuracy)} %`),
    };
  });
  const collapsed = runs.filter((r) => r.collapsed);
  if (collapsed.length > 0)
    series.push({
      name: 'collapsed',
      x: collapsed.map((r) => r.signals.softmaxEntropy),
      y: collapsed.map((r) => r.signals.trainMi),
      text: collapsed.map((r) => `${r.type} ${configOf(r)}, seed ${r.seed}`),
      symbol: 'x',
    });
  return series.filter((s) => s.x.length > 0);
}

/** One plane (mean over seeds, sd as error bars) per activation x optimiser, for one estimator. */
export function planePoints(
  study: PlaneStudy,
  activation: string,
  optimizer: string,
  estimator: 'binned' | 'KDE',
): InformationPlanePoint[] {
  const runs = study.runs.filter((r) => r.activation === activation && r.optimizer === optimizer);
  const points: InformationPlanePoint[] = [];
  for (const layer of runs[0]?.layers ?? []) {
    const epochs = [...new Set(runs[0].entries.map((e) => e.epoch))].sort((a, b) => a - b);
    for (const epoch of epochs) {
      const at = (r: PlaneRun) =>
        r.entries.find((e) => e.layer === layer && e.epoch === epoch && family(e) === estimator);
      const ixt = summarize(runs.map((r) => at(r)?.ixt ?? NaN));
      const ity = summarize(runs.map((r) => at(r)?.ity ?? NaN));
      points.push({
        layer,
        epoch: epoch + 1,
        ix: ixt.mean,
        iy: ity.mean,
        ...(runs.length > 1 ? { ixSpread: ixt.sd, iySpread: ity.sd } : {}),
      });
    }
  }
  return points;
}

/** D4's table: per activation, optimiser and layer, whether fitting and compression show. */
export function phaseRecords(study: PlaneStudy): Array<Record<string, string | number>> {
  return phaseCells(study.runs).map((c) => ({
    activation: c.activation,
    optimizer: c.optimizer,
    layer: c.layer,
    estimator: c.estimator,
    'I(X;T) peak epoch': c.peakEpoch + 1,
    'drop after peak': c.drop.toFixed(3),
    'sd at end': c.sdLast.toFixed(3),
    fitting: c.fitting ? 'yes' : 'no',
    compression: c.compression ? 'yes' : 'no',
    saturated: c.saturated ? 'yes' : '',
  }));
}

/** Test accuracy per epoch of each plane configuration (mean over seeds). */
export function planeAccuracySeries(study: PlaneStudy): LineSeries[] {
  const keys = [...new Set(study.runs.map((r) => `${r.activation} ${r.optimizer}`))];
  return keys.map((k) => {
    const runs = study.runs.filter((r) => `${r.activation} ${r.optimizer}` === k);
    const epochs = runs[0].accuracy.length;
    return {
      name: k,
      x: Array.from({ length: epochs }, (_, i) => i + 1),
      y: Array.from({ length: epochs }, (_, i) => summarize(runs.map((r) => r.accuracy[i])).mean),
    };
  });
}

/** H(T) / log N against width, one line per sample size. */
export function saturationSeries(run: SaturationRun): LineSeries[] {
  const sizes = [...new Set(run.points.map((p) => p.n))];
  return sizes.map((n) => {
    const ps = run.points.filter((p) => p.n === n);
    return { name: `N = ${n}`, x: ps.map((p) => p.width), y: ps.map((p) => p.ratio) };
  });
}
