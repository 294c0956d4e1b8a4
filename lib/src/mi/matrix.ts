// The one sample type every estimator takes: n rows (samples) by d columns (dimensions), row-major.
// Everything a user may pass (nested arrays, a flat 1-D array, a tf.Tensor) is turned into it here,
// with the checks that give one-line errors for bad input.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';

export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Rows of numbers, a single column as a flat array, a Matrix, or a 1-D/2-D tensor. */
export type SampleInput = Matrix | ArrayLike<number> | ArrayLike<ArrayLike<number>> | tf.Tensor;

export function isMatrix(value: unknown): value is Matrix {
  const m = value as Matrix;
  return !!m && m.data instanceof Float64Array && Number.isInteger(m.rows) && Number.isInteger(m.cols);
}

export function matrix(data: Float64Array, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) inputError(`matrix data has ${data.length} values, expected ${rows}x${cols}`);
  return { data, rows, cols };
}

/** Convert and validate: non-empty, rectangular, finite. `name` appears in error messages (e.g. 'x').
 * A tensor is read synchronously, which a GPU backend (webgpu) cannot do: use toMatrixAsync there. */
export function toMatrix(input: SampleInput, name: string): Matrix {
  if (!(input instanceof tf.Tensor)) return arrayMatrix(input, name);
  const cols = tensorColumns(input, name);
  let values: tf.TypedArray;
  try {
    values = input.dataSync() as tf.TypedArray;
  } catch (err) {
    return inputError(
      `${name} is a tensor the ${tf.getBackend()} backend cannot read synchronously (${(err as Error).message}); ` +
        `convert it with \`await toMatrixAsync(${name}, '${name}')\` or pass it to an async estimator such as estimate()`,
    );
  }
  return checkedMatrix({ data: Float64Array.from(values), rows: input.shape[0], cols }, name);
}

/** toMatrix for every backend: a tensor is read with `await tensor.data()` (what webgpu needs). */
export async function toMatrixAsync(input: SampleInput, name: string): Promise<Matrix> {
  if (!(input instanceof tf.Tensor)) return arrayMatrix(input, name);
  const cols = tensorColumns(input, name);
  const values = (await input.data()) as tf.TypedArray;
  return checkedMatrix({ data: Float64Array.from(values), rows: input.shape[0], cols }, name);
}

/** Columns of a 1-D or 2-D tensor (a 1-D tensor is one column). */
function tensorColumns(input: tf.Tensor, name: string): number {
  if (input.isDisposed) inputError(`${name} is a disposed tensor`);
  if (input.rank !== 1 && input.rank !== 2) inputError(`${name} must be a 1-D or 2-D tensor, got shape [${input.shape}]`);
  return input.rank === 2 ? (input.shape[1] as number) : 1;
}

function arrayMatrix(input: Exclude<SampleInput, tf.Tensor>, name: string): Matrix {
  let m: Matrix;
  if (isMatrix(input)) {
    m = input;
  } else if (input == null || typeof (input as ArrayLike<unknown>).length !== 'number') {
    inputError(`${name} must be an array of rows, a flat array, or a tensor`);
  } else {
    const arr = input as ArrayLike<unknown>;
    const rows = arr.length;
    if (rows === 0) inputError(`${name} is empty`);
    const first = arr[0];
    if (typeof first === 'number') {
      const data = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = arr[i];
        if (typeof v !== 'number') inputError(`${name}[${i}] is not a number`);
        data[i] = v;
      }
      m = { data, rows, cols: 1 };
    } else {
      const cols = (first as ArrayLike<number>)?.length;
      if (typeof cols !== 'number') inputError(`${name}[0] is neither a number nor a row of numbers`);
      const data = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        const row = arr[i] as ArrayLike<number>;
        if (!row || row.length !== cols) inputError(`${name} is ragged: row ${i} has ${row?.length ?? 0} values, row 0 has ${cols}`);
        for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
      }
      m = { data, rows, cols };
    }
  }
  return checkedMatrix(m, name);
}

function checkedMatrix(m: Matrix, name: string): Matrix {
  if (m.rows === 0 || m.cols === 0) inputError(`${name} is empty (shape ${m.rows}x${m.cols})`);
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (!Number.isFinite(v)) {
      inputError(`${name} has ${Number.isNaN(v) ? 'NaN' : 'Inf'} at row ${Math.floor(i / m.cols)}, column ${i % m.cols}`);
    }
  }
  return m;
}

/** x and y must describe the same samples. */
export function checkPaired(x: Matrix, y: Matrix, names: [string, string] = ['x', 'y']): void {
  if (x.rows !== y.rows) inputError(`${names[0]} and ${names[1]} have mismatched lengths: ${x.rows} vs ${y.rows} rows`);
}

/** Column j as a new array. */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** Side-by-side concatenation [a, b] of two matrices with the same rows. */
export function hstack(a: Matrix, b: Matrix): Matrix {
  checkPaired(a, b, ['left', 'right']);
  const cols = a.cols + b.cols;
  const data = new Float64Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) {
    data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * cols);
    data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * cols + a.cols);
  }
  return { data, rows: a.rows, cols };
}

/** Rows picked by index (for bootstrap, permutations, splits). */
export function takeRows(m: Matrix, index: ArrayLike<number>): Matrix {
  const data = new Float64Array(index.length * m.cols);
  for (let r = 0; r < index.length; r++) {
    const i = index[r];
    data.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols);
  }
  return { data, rows: index.length, cols: m.cols };
}

/** Per-column mean and standard deviation (population). A constant column has sd 0. */
export function columnStats(m: Matrix): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(m.cols);
  const sd = new Float64Array(m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mean[j] += m.data[i * m.cols + j];
  for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const d = m.data[i * m.cols + j] - mean[j];
      sd[j] += d * d;
    }
  }
  for (let j = 0; j < m.cols; j++) sd[j] = Math.sqrt(sd[j] / m.rows);
  return { mean, sd };
}

/** Zero mean, unit variance per column. A constant column is an error: it carries no information
 * and breaks distance- and covariance-based estimators. */
export function standardize(m: Matrix, name: string): Matrix {
  const { mean, sd } = columnStats(m);
  for (let j = 0; j < m.cols; j++) if (!(sd[j] > 0)) inputError(`${name} column ${j} is constant`);
  const data = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) data[i * m.cols + j] = (m.data[i * m.cols + j] - mean[j]) / sd[j];
  }
  return { data, rows: m.rows, cols: m.cols };
}

/** Float32 tensor [rows, cols] of a matrix (caller disposes). */
export function matrixToTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
}
