// Per-epoch curves of a study for plotting: one series per method, the mean over its final seeds
// with the sd as error bars (a quantity a run did not record is left out).
import type { LineSeries } from '../../display/plot';
import { MmimMethod, MmimNet } from './experiment';
import { MmimStudy, finalRuns } from './study';
import { LayerTermName } from '../../regularizers/layer-terms';

export type MmimCurveMetric = 'valAccuracy' | 'trainAccuracy' | 'loss' | LayerTermName;

export function mmimCurveSeries(study: MmimStudy, net: MmimNet, metric: MmimCurveMetric, methods: readonly MmimMethod[] = study.plan.methods): LineSeries[] {
  const series: LineSeries[] = [];
  for (const method of methods) {
    const runs = finalRuns(study, net, method);
    if (runs.length === 0) continue;
    const epochs = Math.min(...runs.map((r) => r.curve.length));
    const x: number[] = [];
    const y: number[] = [];
    const error: number[] = [];
    for (let e = 0; e < epochs; e++) {
      const values = runs
        .map((r) => {
          const point = r.curve[e];
          const v = metric === 'valAccuracy' || metric === 'trainAccuracy' || metric === 'loss' ? point[metric] : point.terms[metric];
          return typeof v === 'number' && Number.isFinite(v) ? v : null;
        })
        .filter((v): v is number => v !== null);
      if (values.length === 0) continue;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
      x.push(runs[0].curve[e].epoch);
      y.push(mean);
      error.push(sd);
    }
    if (y.length > 0) series.push({ name: method === 'baseline' ? 'baseline' : `${method} (λ=${study.chosenLambda[net]?.[method]})`, x, y, error });
  }
  return series;
}
