// The bootstrap for verdicts whose observations come in groups: seeds that each contribute several
// runs, pairs of networks that share a network. Resampling single observations would treat
// dependent values as independent and give intervals that are too narrow; resampling whole
// clusters keeps each group's dependence inside every resample.
import { inputError } from '../errors';
import { Rng } from '../random/rng';

export interface ClusterBootstrap {
  /** The statistic on the clusters as observed. */
  estimate: number;
  /** Percentile interval at `level`. */
  ci: [number, number];
  level: number;
  /** Resamples whose statistic was defined (a resample can lack the variety a statistic needs). */
  resamples: number;
}

/**
 * A percentile bootstrap interval of `statistic` over `clusters`: each resample draws as many
 * clusters as there are, with replacement. A resample on which `statistic` throws or is not
 * finite is left out (counted in `resamples`); the interval is NaN when none is defined.
 */
export function clusterBootstrap<T>(
  clusters: readonly T[],
  statistic: (sample: readonly T[]) => number,
  options: { resamples?: number; level?: number; seed?: number } = {},
): ClusterBootstrap {
  const { resamples = 2000, level = 0.95, seed = 0 } = options;
  if (clusters.length < 2)
    inputError(`clusterBootstrap needs at least 2 clusters, got ${clusters.length}`);
  if (!Number.isInteger(resamples) || resamples < 100)
    inputError(`clusterBootstrap: resamples must be an integer >= 100, got ${resamples}`);
  if (!(level > 0 && level < 1))
    inputError(`clusterBootstrap: level must be in (0, 1), got ${level}`);
  const rng = new Rng(seed).fork('cluster-bootstrap');
  const values: number[] = [];
  for (let b = 0; b < resamples; b++) {
    const sample = clusters.map(() => clusters[rng.int(clusters.length)]);
    let v = NaN;
    try {
      v = statistic(sample);
    } catch {
      // A resample without the variety the statistic needs (e.g. one distinct value) has none.
    }
    if (Number.isFinite(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))];
  const tail = (1 - level) / 2;
  return {
    estimate: statistic(clusters),
    ci: values.length > 0 ? [at(tail), at(1 - tail)] : [NaN, NaN],
    level,
    resamples: values.length,
  };
}
