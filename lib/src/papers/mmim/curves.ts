// Per-epoch curves of a study for plotting: one series per method, the mean over its final seeds
// with the sd as error bars (a quantity a run did not record is left out).
import type { LineSeries } from '../../display/plot';
import { summarize } from '../../report/summary';
import { Method, Net } from './experiment';
import { Study, finalRuns } from './study';
import { LayerTermName } from '../../regularizers/layer-terms';

export type CurveMetric = 'valAccuracy' | 'trainAccuracy' | 'loss' | LayerTermName;

export function curveSeries(
  study: Study,
  net: Net,
  metric: CurveMetric,
  methods: readonly Method[] = study.plan.methods,
): LineSeries[] {
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
          const v =
            metric === 'valAccuracy' || metric === 'trainAccuracy' || metric === 'loss'
              ? point[metric]
              : point.terms[metric];
          return typeof v === 'number' && Number.isFinite(v) ? v : null;
        })
        .filter((v): v is number => v !== null);
      if (values.length === 0) continue;
      const { mean, sd } = summarize(values);
      x.push(runs[0].curve[e].epoch);
      y.push(mean);
      error.push(sd);
    }
    if (y.length > 0)
      series.push({
        name:
          method === 'baseline' ? 'baseline' : `${method} (λ=${study.chosenLambda[net]?.[method]})`,
        x,
        y,
        error,
      });
  }
  return series;
}
