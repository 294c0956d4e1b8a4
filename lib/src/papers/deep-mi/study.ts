// The whole Deep-MI study of one profile, through runMany (resumable, shared between parallel
// kernels: `npm run full -- --only 003 --workers 2`). The grid: every net type x optimiser x
// regulariser on every seed, seed by seed (an interrupted run leaves whole seeds), the slowest
// networks first; the label-noise runs (their noise-free cells are grid runs); the MNIST planes.
import { runMany, runName, type RunJob } from '../../report/runs';
import type { DataInfo, ImageData } from './data';
import { runGridCell, type GridCell, type GridRun, type Progress } from './grid';
import { NET_TYPES, NOTEBOOK } from './paper';
import { runPlane, type PlaneRun } from './planes';
import type { GridConfig, NoiseConfig, PlaneConfig, SaturationConfig } from './profiles';
import { runSaturation, type SaturationRun } from './saturation';

export type ProgressFactory = (label: string) => Progress | undefined;

export interface GridStudy {
  info: DataInfo;
  config: GridConfig;
  /** The table's grid (noise 0). */
  runs: GridRun[];
  /** The label-noise stress test: every cell of its sub-grid at every noise rate, 0 included. */
  noise: GridRun[];
}

/** Slowest first, so two workers finish together. */
const COST_ORDER = [...NET_TYPES].reverse();

export function cellLabel(c: GridCell): string {
  const noise = c.noise > 0 ? `, ${Math.round(100 * c.noise)} % wrong labels` : '';
  return `${c.type} ${c.optimizer} ${c.regularizer}${noise}, seed ${c.seed}`;
}

export async function runGridStudy(
  data: ImageData,
  info: DataInfo,
  config: GridConfig,
  noise: NoiseConfig,
  options: { progress?: ProgressFactory } = {},
): Promise<GridStudy> {
  const progress = options.progress ?? (() => undefined);
  const { seeds, ...settings } = config;
  const job = (cell: GridCell): RunJob<GridRun> => ({
    key: JSON.stringify({ part: 'grid', settings, cell, data: info }),
    name: runName(info.dataset, cell.type, cell.optimizer, cell.regularizer, {
      noise: cell.noise,
      seed: cell.seed,
    }),
    compute: () => runGridCell(data, config, cell, progress(cellLabel(cell))),
  });
  const cells = (
    types: readonly GridCell['type'][],
    optimizers: readonly GridCell['optimizer'][],
    regularizers: readonly GridCell['regularizer'][],
    rates: readonly number[],
  ): GridCell[] =>
    seeds.flatMap((seed) =>
      COST_ORDER.filter((t) => types.includes(t)).flatMap((type) =>
        optimizers.flatMap((optimizer) =>
          regularizers.flatMap((regularizer) =>
            rates.map((rate) => ({ type, optimizer, regularizer, noise: rate, seed })),
          ),
        ),
      ),
    );
  const grid = cells(config.types, config.optimizers, config.regularizers, [0]);
  const noisy = cells(noise.types, noise.optimizers, noise.regularizers, noise.rates);
  const extra = noisy.filter((c) => c.noise > 0);
  const results = await runMany(NOTEBOOK, [...grid, ...extra].map(job));
  const runs = results.slice(0, grid.length);
  const byKey = new Map(results.map((r) => [JSON.stringify(cellOf(r)), r]));
  const missing = noisy.filter((c) => !byKey.has(JSON.stringify(c)));
  // A noise-free cell of the noise sub-grid that the grid lacks (a profile whose grid is smaller).
  const more = missing.length > 0 ? await runMany(NOTEBOOK, missing.map(job)) : [];
  for (const r of more) byKey.set(JSON.stringify(cellOf(r)), r);
  return {
    info,
    config,
    runs,
    noise: noisy.map((c) => byKey.get(JSON.stringify(c))!),
  };
}

function cellOf(r: GridRun): GridCell {
  const { type, optimizer, regularizer, noise, seed } = r;
  return { type, optimizer, regularizer, noise, seed };
}

export interface PlaneStudy {
  info: DataInfo;
  config: PlaneConfig;
  runs: PlaneRun[];
}

export async function runPlaneStudy(
  data: ImageData,
  info: DataInfo,
  config: PlaneConfig,
  options: { progress?: ProgressFactory } = {},
): Promise<PlaneStudy> {
  const progress = options.progress ?? (() => undefined);
  const { seeds, ...settings } = config;
  const jobs: RunJob<PlaneRun>[] = seeds.flatMap((seed) =>
    config.activations.flatMap((activation) =>
      config.optimizers.map((optimizer) => ({
        key: JSON.stringify({ part: 'plane', settings, activation, optimizer, seed, data: info }),
        name: runName('mnist plane', activation, optimizer, { seed }),
        compute: () =>
          runPlane(
            data,
            config,
            activation,
            optimizer,
            seed,
            progress(`plane ${activation} ${optimizer}, seed ${seed}`),
          ),
      })),
    ),
  );
  return { info, config, runs: await runMany(NOTEBOOK, jobs) };
}

/** D6's saturation curve (one stored run: it trains a network). */
export async function runSaturationStudy(
  data: ImageData,
  info: DataInfo,
  grid: GridConfig,
  config: SaturationConfig,
  seed: number,
): Promise<SaturationRun> {
  const { seeds: _seeds, ...settings } = grid;
  const [run] = await runMany(NOTEBOOK, [
    {
      key: JSON.stringify({ part: 'saturation', settings, config, seed, data: info }),
      name: runName(info.dataset, 'saturation', { seed }),
      compute: () => runSaturation(data, grid, config, seed),
    },
  ]);
  return run;
}
