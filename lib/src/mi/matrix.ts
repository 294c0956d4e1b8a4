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
  return (
    !!m && m.data instanceof Float64Array && Number.isInteger(m.rows) && Number.isInteger(m.cols)
  );
}

export function matrix(data: Float64Array, rows: number, cols: number): Matrix {
  if (!(Number.isSafeInteger(rows) && rows >= 0 && Number.isSafeInteger(cols) && cols >= 0)) {
    inputError(`matrix rows and cols must be non-negative integers, got ${rows}x${cols}`);
  }
  if (data.length !== rows * cols)
    inputError(`matrix data has ${data.length} values, expected ${rows}x${cols}`);
  return { data, rows, cols };
}

/** Convert and validate: non-empty, rectangular, finite. `name` appears in error messages
 * (e.g. 'x'). A tensor is read synchronously, which a GPU backend (webgpu) cannot do: use
 * toMatrixAsync there. */
export function toMatrix(input: SampleInput, name: string): Matrix {
  if (!(input instanceof tf.Tensor)) return arrayMatrix(input, name);
  const cols = tensorColumns(input, name);
  let values: tf.TypedArray;
  try {
    values = input.dataSync() as tf.TypedArray;
  } catch (err) {
    return inputError(
      `${name} is a tensor the ${tf.getBackend()} backend cannot read synchronously ` +
        `(${(err as Error).message}); ` +
        `convert it with \`await toMatrixAsync(${name}, '${name}')\` ` +
        'or pass it to an async estimator such as estimate()',
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

/** Columns of a 1-D or 2-D numeric tensor (a 1-D tensor is one column). Only float32 and int32
 * hold numbers: a bool tensor would be read as 0/1 and a string tensor as NaN, so both are refused,
 * as booleans and strings are in arrays. */
function tensorColumns(input: tf.Tensor, name: string): number {
  if (input.isDisposed) inputError(`${name} is a disposed tensor`);
  if (input.dtype !== 'float32' && input.dtype !== 'int32') {
    const cast = `tf.cast(${name}, 'float32')`;
    inputError(`${name} is a ${input.dtype} tensor; samples must be numbers (cast it: ${cast})`);
  }
  if (input.rank !== 1 && input.rank !== 2)
    inputError(`${name} must be a 1-D or 2-D tensor, got shape [${input.shape}]`);
  return input.rank === 2 ? (input.shape[1] as number) : 1;
}

/** An array, a typed array or an object with a length (never a string: its characters are not
 * numbers). */
function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null || value instanceof DataView) return false;
  const length = (value as { length?: unknown }).length;
  return Number.isSafeInteger(length) && (length as number) >= 0;
}

/** What a value is, for error messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing (undefined: a hole in a sparse array?)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)}`;
  }
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value !== 'object') return `a ${typeof value}`;
  const kind = value.constructor?.name;
  return kind && kind !== 'Object' ? `a ${kind}` : 'an object';
}

/** Arrays are read strictly: every cell must already be a number. Nothing is coerced (null would
 * become 0, '12' and true would become numbers), so any other cell is an error naming its place. */
function arrayMatrix(input: Exclude<SampleInput, tf.Tensor>, name: string): Matrix {
  const value: unknown = input;
  const isObject = typeof value === 'object' && value !== null;
  if (isObject && 'data' in value && 'rows' in value && 'cols' in value) {
    const { data, rows, cols } = value as Matrix;
    if (!(data instanceof Float64Array)) {
      inputError(`${name} is a Matrix whose data is ${describe(data)}, not a Float64Array`);
    }
    if (!(Number.isSafeInteger(rows) && rows >= 0 && Number.isSafeInteger(cols) && cols >= 0)) {
      inputError(`${name} is a Matrix of ${rows}x${cols}: rows and cols must be integers >= 0`);
    }
    if (data.length !== rows * cols) {
      const [shape, n] = [`${rows}x${cols}`, data.length];
      inputError(`${name} is a ${shape} Matrix but its data has ${n} values, not ${rows * cols}`);
    }
    return checkedMatrix({ data, rows, cols }, name);
  }
  if (!isArrayLike(value)) {
    const forms = 'rows of numbers, a flat array of numbers, a Matrix or a tensor';
    inputError(`${name} must be ${forms}; got ${describe(value)}`);
  }
  const rows = value.length;
  if (rows === 0) inputError(`${name} is empty`);
  const cell = (v: unknown, where: string): number => {
    if (typeof v === 'number') return v;
    const deeper = isArrayLike(v) ? ' (samples are rows of numbers; no deeper nesting)' : '';
    return inputError(`${where} is ${describe(v)}, not a number${deeper}`);
  };
  const first = value[0];
  if (!isArrayLike(first)) {
    // A flat array: one column.
    if (typeof first !== 'number') {
      inputError(`${name}[0] is ${describe(first)}, not a number or a row of numbers`);
    }
    const data = new Float64Array(rows);
    for (let i = 0; i < rows; i++) data[i] = cell(value[i], `${name}[${i}]`);
    return checkedMatrix({ data, rows, cols: 1 }, name);
  }
  const cols = first.length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = value[i];
    if (!isArrayLike(row)) {
      inputError(`${name}[${i}] is ${describe(row)}, not a row of numbers like ${name}[0]`);
    }
    if (row.length !== cols) {
      inputError(`${name} is ragged: row ${i} has ${row.length} values, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = cell(row[j], `${name}[${i}][${j}]`);
  }
  return checkedMatrix({ data, rows, cols }, name);
}

function checkedMatrix(m: Matrix, name: string): Matrix {
  if (m.rows === 0 || m.cols === 0) inputError(`${name} is empty (shape ${m.rows}x${m.cols})`);
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (!Number.isFinite(v)) {
      inputError(
        `${name} has ${Number.isNaN(v) ? 'NaN' : 'Inf'} ` +
          `at row ${Math.floor(i / m.cols)}, column ${i % m.cols}`,
      );
    }
  }
  return m;
}

/** x and y must describe the same samples. */
export function checkPaired(x: Matrix, y: Matrix, names: [string, string] = ['x', 'y']): void {
  if (x.rows !== y.rows)
    inputError(`${names[0]} and ${names[1]} have mismatched lengths: ${x.rows} vs ${y.rows} rows`);
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

/** One column rewritten as u_i = (x_i - ref) * half / span in [-1, 1]: ref is the column's first
 * value (any sample value makes x_i - ref exact for values clustered around a large offset, where
 * subtracting a computed mean would cancel the signal), span the largest |x_i - ref| * half, and
 * half 0.5 only when x_i - ref itself overflows (a column spanning -1e308..1e308). Dividing by
 * span before anything is squared or summed keeps every later step between 1e-308 and 1e308
 * whatever the column's units. span is 0 exactly when all values are equal. */
interface UnitColumn {
  u: Float64Array;
  ref: number;
  span: number;
  half: number;
  /** Mean and population sd of u. */
  mean: number;
  sd: number;
}

function unitColumn(m: Matrix, j: number): UnitColumn {
  const n = m.rows;
  const ref = m.data[j];
  const u = new Float64Array(n);
  let half = 1;
  let span = 0;
  for (let i = 0; i < n; i++) span = Math.max(span, Math.abs(m.data[i * m.cols + j] - ref));
  if (span === Infinity) {
    // Halving is exact for the huge values that overflow (subnormal detail is below resolution).
    half = 0.5;
    span = 0;
    for (let i = 0; i < n; i++) {
      span = Math.max(span, Math.abs(m.data[i * m.cols + j] * half - ref * half));
    }
  }
  if (span === 0) return { u, ref, span, half, mean: 0, sd: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    u[i] = (m.data[i * m.cols + j] * half - ref * half) / span;
    sum += u[i];
  }
  const mean = sum / n;
  let squares = 0; // second pass: the deviations of u are O(1), no cancellation
  for (let i = 0; i < n; i++) squares += (u[i] - mean) * (u[i] - mean);
  return { u, ref, span, half, mean, sd: Math.sqrt(squares / n) };
}

/** Per-column mean and standard deviation (population), accurate at any magnitude (1e-300 or
 * 1e300, subnormal, or a large offset with small noise), and logSd = log(sd) without rounding a
 * subnormal sd. sd is 0 only for a column whose values are all equal: a subnormal sd that would
 * round to 0 is reported as the smallest double instead. */
export function columnStats(m: Matrix): {
  mean: Float64Array;
  sd: Float64Array;
  logSd: Float64Array;
} {
  const mean = new Float64Array(m.cols);
  const sd = new Float64Array(m.cols);
  const logSd = new Float64Array(m.cols).fill(-Infinity);
  for (let j = 0; j < m.cols; j++) {
    const c = unitColumn(m, j);
    // ref * half + span * mean is the mean times half: finite even when the range is not.
    mean[j] = (c.ref * c.half + c.span * c.mean) / c.half;
    if (c.span === 0) continue;
    sd[j] = Math.max(Number.MIN_VALUE, (c.span * c.sd) / c.half);
    logSd[j] = Math.log(c.span) + Math.log(c.sd) - Math.log(c.half);
  }
  return { mean, sd, logSd };
}

/** Zero mean, unit variance per column, computed from the scaled columns of unitColumn so that
 * the result does not depend on the column's units (scaling a column by any power of 10 gives the
 * same values to rounding). A constant column (all values equal) is an error: it carries no
 * information and breaks distance- and covariance-based estimators; with allowConstant it becomes
 * zeros instead (centred only). */
export function standardize(m: Matrix, name: string, allowConstant = false): Matrix {
  const data = new Float64Array(m.data.length);
  for (let j = 0; j < m.cols; j++) {
    const c = unitColumn(m, j);
    if (c.span === 0) {
      if (!allowConstant) inputError(`${name} column ${j} is constant (every value is ${c.ref})`);
      continue;
    }
    for (let i = 0; i < m.rows; i++) data[i * m.cols + j] = (c.u[i] - c.mean) / c.sd;
  }
  return { data, rows: m.rows, cols: m.cols };
}

/** Largest float32. A float32 copy of values beyond it would be Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;
/** Smallest normal float32: below it float32 keeps few or no significant bits. */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** Float32 copy of a matrix's values, refused (input error) when a column would not survive the
 * conversion: a value beyond float32's range becomes Infinity, and a column whose values all lie
 * below its normal range (1e-38) keeps few or no significant bits (unless they already are float32
 * values, as activations read from a tensor are). Standardised data always passes; raw data in
 * such units must be standardised (or rescaled) first. */
export function toFloat32(m: Matrix, name: string): Float32Array {
  for (let j = 0; j < m.cols; j++) {
    let largest = 0;
    for (let i = 0; i < m.rows; i++) largest = Math.max(largest, Math.abs(m.data[i * m.cols + j]));
    const underflows = largest < FLOAT32_MIN_NORMAL && Math.fround(largest) !== largest;
    if (largest > FLOAT32_MAX || underflows) {
      inputError(
        `${name} column ${j} reaches |value| ${largest.toPrecision(3)}, outside float32's range ` +
          '(1e-38 to 3e38) that neural estimators compute in: ' +
          'standardise it (the default) or rescale it',
      );
    }
  }
  return Float32Array.from(m.data);
}

/** Float32 tensor [rows, cols] of a matrix (caller disposes); range-checked as toFloat32. */
export function matrixToTensor(m: Matrix, name = 'data'): tf.Tensor2D {
  return tf.tensor2d(toFloat32(m, name), [m.rows, m.cols]);
}
