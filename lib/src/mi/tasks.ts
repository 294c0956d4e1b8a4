// Benchmark tasks with known mutual information, in the style of bmi ("Beyond Normal", Czyz et al.
// 2023): each task knows its true value and samples reproducibly from a seed. Used by the tests,
// the estimator notebooks and the bench.
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { hstack, Matrix } from './matrix';
import { miFromJointTable } from './binning';

export interface TaskSample {
  x: Matrix;
  y: Matrix;
  /** The conditioning variable, for conditional tasks. */
  z?: Matrix;
}

export interface MiTask {
  name: string;
  /** The true I(X;Y) in nats; for a conditional task (one that samples z), I(X;Y|Z). */
  mi: number;
  dimX: number;
  dimY: number;
  dimZ?: number;
  /** n samples, identical for identical (n, seed). */
  sample(n: number, seed: number): TaskSample;
}

export interface TcTask {
  name: string;
  /** The true total correlation of the columns, in nats. */
  tc: number;
  dim: number;
  sample(n: number, seed: number): Matrix;
}

/** I(X;Y) of x ~ N(0, I_d), y = rho x + sqrt(1 - rho^2) e: -(d/2) log(1 - rho^2). */
export function gaussianMiForRho(rho: number, d: number): number {
  if (!(Math.abs(rho) < 1)) inputError(`rho must lie strictly between -1 and 1, got ${rho}`);
  return -(d / 2) * Math.log1p(-rho * rho);
}

/** The per-coordinate correlation giving I(X;Y) = mi for d coordinate pairs (inverse of the
 * above). */
export function rhoForMi(mi: number, d: number): number {
  if (!(mi >= 0) || !Number.isFinite(mi))
    inputError(`mi must be a finite non-negative number, got ${mi}`);
  positiveInteger(d, 'd');
  return Math.sqrt(-Math.expm1((-2 * mi) / d));
}

/** x ~ N(0, I_d), y = rho x + sqrt(1 - rho^2) e, coordinate by coordinate. */
export function correlatedGaussianTask(d: number, rho: number): MiTask {
  positiveInteger(d, 'd');
  const mi = gaussianMiForRho(rho, d);
  const noise = Math.sqrt(1 - rho * rho);
  return {
    name: `gaussian d=${d} rho=${round(rho)}`,
    mi,
    dimX: d,
    dimY: d,
    sample(n, seed) {
      const rng = new Rng(seed);
      const x = new Float64Array(n * d);
      const y = new Float64Array(n * d);
      for (let i = 0; i < n * d; i++) {
        x[i] = rng.normal();
        y[i] = rho * x[i] + noise * rng.normal();
      }
      return { x: { data: x, rows: n, cols: d }, y: { data: y, rows: n, cols: d } };
    },
  };
}

/** The correlated Gaussian with a chosen true MI. */
export function gaussianTaskWithMi(d: number, mi: number): MiTask {
  return {
    ...correlatedGaussianTask(d, rhoForMi(mi, d)),
    mi,
    name: `gaussian d=${d} mi=${round(mi)}`,
  };
}

/** Poole et al.'s (2019) staircase: d = 20, true MI 2, 4, 6, 8, 10 nats. */
export function staircaseTasks(levels: readonly number[] = [2, 4, 6, 8, 10], d = 20): MiTask[] {
  return levels.map((mi) => gaussianTaskWithMi(d, mi));
}

/** y -> y^3 elementwise: an invertible map of y, so the MI is unchanged. */
export function cubicTask(base: MiTask): MiTask {
  return {
    ...base,
    name: `${base.name} cubic`,
    sample(n, seed) {
      const s = base.sample(n, seed);
      return { ...s, y: { ...s.y, data: s.y.data.map((v) => v * v * v) } };
    },
  };
}

/** Independent standard normal x and y: MI 0. */
export function independentTask(dimX: number, dimY: number = dimX): MiTask {
  positiveInteger(dimX, 'dimX');
  positiveInteger(dimY, 'dimY');
  return {
    name: `independent ${dimX}+${dimY}`,
    mi: 0,
    dimX,
    dimY,
    sample(n, seed) {
      const rng = new Rng(seed);
      const x = Float64Array.from({ length: n * dimX }, () => rng.normal());
      const y = Float64Array.from({ length: n * dimY }, () => rng.normal());
      return { x: { data: x, rows: n, cols: dimX }, y: { data: y, rows: n, cols: dimY } };
    },
  };
}

/** Two independent tasks side by side: x = [x_a, x_b], y = [y_a, y_b]; MI adds up. */
export function additiveTask(a: MiTask, b: MiTask): MiTask {
  return {
    name: `(${a.name}) + (${b.name})`,
    mi: a.mi + b.mi,
    dimX: a.dimX + b.dimX,
    dimY: a.dimY + b.dimY,
    sample(n, seed) {
      const rng = new Rng(seed);
      const sa = a.sample(n, rng.nextSeed());
      const sb = b.sample(n, rng.nextSeed());
      return { x: hstack(sa.x, sb.x), y: hstack(sa.y, sb.y) };
    },
  };
}

/** (x, y) drawn from a joint table of probabilities or counts (rows: x values 0.., columns: y
 * values 0..); the true MI is the table's exact MI. */
export function discreteTableTask(table: readonly (readonly number[])[]): MiTask {
  const mi = miFromJointTable(table); // validates the table
  const cols = table[0].length;
  const cumulative: number[] = [];
  let total = 0;
  for (const row of table) {
    for (const c of row) {
      total += c;
      cumulative.push(total);
    }
  }
  return {
    name: `discrete ${table.length}x${cols} table`,
    mi,
    dimX: 1,
    dimY: 1,
    sample(n, seed) {
      const rng = new Rng(seed);
      const x = new Float64Array(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform() * total;
        let lo = 0;
        let hi = cumulative.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cumulative[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        x[i] = Math.floor(lo / cols);
        y[i] = lo % cols;
      }
      return { x: { data: x, rows: n, cols: 1 }, y: { data: y, rows: n, cols: 1 } };
    },
  };
}

export interface ConditionalTask extends MiTask {
  dimZ: number;
  /** I(X;Y) without conditioning, larger because of the shared z. */
  unconditionalMi: number;
}

/** z ~ N(0, I_d); x = c z + a, y = c z + b with (a, b) correlated Gaussian (rho per coordinate)
 * and independent of z. Then I(X;Y|Z) = I(A;B) = -(d/2) log(1 - rho^2), while the unconditional
 * correlation per coordinate is (c^2 + rho) / (1 + c^2). */
export function conditionalGaussianTask(d: number, rho: number, coupling = 1): ConditionalTask {
  positiveInteger(d, 'd');
  const mi = gaussianMiForRho(rho, d);
  const noise = Math.sqrt(1 - rho * rho);
  const c2 = coupling * coupling;
  return {
    name: `conditional gaussian d=${d} rho=${round(rho)} c=${round(coupling)}`,
    mi,
    unconditionalMi: gaussianMiForRho((c2 + rho) / (1 + c2), d),
    dimX: d,
    dimY: d,
    dimZ: d,
    sample(n, seed) {
      const rng = new Rng(seed);
      const x = new Float64Array(n * d);
      const y = new Float64Array(n * d);
      const z = new Float64Array(n * d);
      for (let i = 0; i < n * d; i++) {
        z[i] = rng.normal();
        const a = rng.normal();
        const b = rho * a + noise * rng.normal();
        x[i] = coupling * z[i] + a;
        y[i] = coupling * z[i] + b;
      }
      return {
        x: { data: x, rows: n, cols: d },
        y: { data: y, rows: n, cols: d },
        z: { data: z, rows: n, cols: d },
      };
    },
  };
}

/** d equicorrelated standard normals (pairwise correlation rho >= 0), x_i = sqrt(rho) g +
 * sqrt(1 - rho) e_i. TC = -0.5 log det R = -0.5 [(d - 1) log(1 - rho) + log(1 + (d - 1) rho)]. */
export function gaussianTcTask(d: number, rho: number): TcTask {
  positiveInteger(d, 'd');
  if (!(rho >= 0 && rho < 1)) inputError(`rho must lie in [0, 1), got ${rho}`);
  const tc = -0.5 * ((d - 1) * Math.log(1 - rho) + Math.log(1 + (d - 1) * rho));
  const shared = Math.sqrt(rho);
  const own = Math.sqrt(1 - rho);
  return {
    name: `equicorrelated gaussian d=${d} rho=${round(rho)}`,
    tc,
    dim: d,
    sample(n, seed) {
      const rng = new Rng(seed);
      const data = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const g = rng.normal();
        for (let j = 0; j < d; j++) data[i * d + j] = shared * g + own * rng.normal();
      }
      return { data, rows: n, cols: d };
    },
  };
}

function positiveInteger(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1) inputError(`${name} must be a positive integer, got ${v}`);
}

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
