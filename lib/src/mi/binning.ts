// Plug-in (histogram) estimators: MI of discrete data, of continuous data on equal-width bins, the
// exact MI of a joint table, and the information-plane quantities of a binned layer.
//
// A row is one symbol: rows that are equal (after binning) are the same outcome. The plug-in
// entropy -sum p log p is biased low by about (m - 1) / (2N) for m occupied cells; Miller-Madow
// adds that back. For MI the corrections combine to -(m_xy - m_x - m_y + 1) / (2N).
import { inputError } from '../errors';
import { checkPaired, Matrix, SampleInput, toMatrix } from './matrix';

export interface PlugInOptions {
  /** Add the Miller-Madow bias correction (default true). */
  millerMadow?: boolean;
}

export interface DiscreteEstimate {
  mi: number;
  n: number;
  /** The uncorrected plug-in value. */
  plugIn: number;
  /** Distinct symbols seen in x, y and the pair. */
  symbolsX: number;
  symbolsY: number;
  symbolsJoint: number;
  /** Set when the histogram is too fine for the sample (most joint cells hold one sample): the
   * estimate then mostly reflects N, not the dependence. */
  warning?: string;
}

export interface BinningOptions extends PlugInOptions {
  /** Equal-width bins per column. Default: the largest b with b^(dx + dy) <= N / 5, so that the
   * joint histogram has at least ~5 samples per cell on average (at least 2). Fine bins lose
   * little information but leave a small upward bias even after Miller-Madow (about 0.02 nats for
   * independent 1-D pairs); the rule only suits low dimensions (dx + dy of 2 to 4). */
  bins?: number;
}

export interface BinnedEstimate extends DiscreteEstimate {
  bins: number;
}

/** Symbol ids 0..count-1, one per sample. */
export interface Symbols {
  symbols: Int32Array;
  count: number;
}

/** Each row of m as a symbol id 0..count-1; equal rows share an id. */
export function rowSymbols(m: Matrix): Symbols {
  return denseSymbols(m.rows, (i) =>
    m.cols === 1 ? m.data[i] : m.data.subarray(i * m.cols, (i + 1) * m.cols).join(','),
  );
}

/** Ids 0..count-1 in order of first appearance for the keys of items 0..n-1; equal keys share an
 * id. */
function denseSymbols(n: number, keyOf: (i: number) => number | string): Symbols {
  const symbols = new Int32Array(n);
  const ids = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    symbols[i] = id;
  }
  return { symbols, count: ids.size };
}

/** Plug-in entropy (nats) of a histogram, optionally Miller-Madow corrected. */
export function entropyFromCounts(counts: ArrayLike<number>, options: PlugInOptions = {}): number {
  let total = 0;
  let occupied = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (!(c >= 0) || !Number.isFinite(c))
      inputError(`counts must be finite and non-negative, got ${c} at ${i}`);
    total += c;
    if (c > 0) occupied++;
  }
  if (!(total > 0)) inputError('counts are all zero');
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) h -= (c / total) * Math.log(c / total);
  }
  return options.millerMadow ? h + (occupied - 1) / (2 * total) : h;
}

/** Plug-in entropy (nats) of discrete data, each row one symbol. */
export function discreteEntropy(x: SampleInput, options: PlugInOptions = {}): number {
  const { symbols, count } = rowSymbols(toMatrix(x, 'x'));
  return entropyFromCounts(histogram(symbols, count), { millerMadow: options.millerMadow ?? true });
}

/** I(X;Y) of discrete data (each row of x and of y is one symbol), plug-in + Miller-Madow. */
export function discreteMi(
  x: SampleInput,
  y: SampleInput,
  options: PlugInOptions = {},
): DiscreteEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  checkPaired(mx, my);
  return symbolMi(rowSymbols(mx), rowSymbols(my), options.millerMadow ?? true);
}

/** I(X;Y) of continuous data on equal-width bins spanning each column's range. */
export function binnedMi(
  x: SampleInput,
  y: SampleInput,
  options: BinningOptions = {},
): BinnedEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  checkPaired(mx, my);
  const bins =
    options.bins ?? Math.max(2, Math.floor(Math.pow(mx.rows / 5, 1 / (mx.cols + my.cols)) + 1e-9));
  checkBins(bins);
  const result = symbolMi(
    rowSymbols(binColumns(mx, bins)),
    rowSymbols(binColumns(my, bins)),
    options.millerMadow ?? true,
  );
  return { ...result, bins };
}

/** I(X;Y|Z) of discrete data = H(X,Z) + H(Y,Z) - H(Z) - H(X,Y,Z), each entropy plug-in, with the
 * Miller-Madow corrections (default) combined the same way. */
export function discreteConditionalMi(
  x: SampleInput,
  y: SampleInput,
  z: SampleInput,
  options: PlugInOptions = {},
): DiscreteEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  const mz = toMatrix(z, 'z');
  checkPaired(mx, my);
  checkPaired(mx, mz, ['x', 'z']);
  return conditionalSymbolMi(
    rowSymbols(mx),
    rowSymbols(my),
    rowSymbols(mz),
    options.millerMadow ?? true,
  );
}

/** I(X;Y|Z) of continuous data on equal-width bins (default bins: as binnedMi, over
 * dx + dy + dz). */
export function binnedConditionalMi(
  x: SampleInput,
  y: SampleInput,
  z: SampleInput,
  options: BinningOptions = {},
): BinnedEstimate {
  const mx = toMatrix(x, 'x');
  const my = toMatrix(y, 'y');
  const mz = toMatrix(z, 'z');
  checkPaired(mx, my);
  checkPaired(mx, mz, ['x', 'z']);
  const dims = mx.cols + my.cols + mz.cols;
  const bins = options.bins ?? Math.max(2, Math.floor(Math.pow(mx.rows / 5, 1 / dims) + 1e-9));
  checkBins(bins);
  const symbols = (m: Matrix) => rowSymbols(binColumns(m, bins));
  const result = conditionalSymbolMi(
    symbols(mx),
    symbols(my),
    symbols(mz),
    options.millerMadow ?? true,
  );
  return { ...result, bins };
}

/** Exact MI (nats) of the joint distribution given by a table of counts or probabilities
 * (rows: values of X, columns: values of Y). */
export function miFromJointTable(table: ArrayLike<ArrayLike<number>>): number {
  const rows = table.length;
  if (!rows) inputError('the joint table is empty');
  const cols = table[0].length;
  if (!cols) inputError('the joint table has an empty first row');
  let total = 0;
  const px = new Float64Array(rows);
  const py = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    if (table[i].length !== cols)
      inputError(
        `the joint table is ragged: row ${i} has ${table[i].length} cells, row 0 has ${cols}`,
      );
    for (let j = 0; j < cols; j++) {
      const c = table[i][j];
      if (!(c >= 0) || !Number.isFinite(c))
        inputError(`joint table cell [${i}][${j}] must be finite and non-negative, got ${c}`);
      px[i] += c;
      py[j] += c;
      total += c;
    }
  }
  if (!(total > 0)) inputError('the joint table sums to zero');
  let mi = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = table[i][j];
      if (c > 0) mi += (c / total) * Math.log((c * total) / (px[i] * py[j]));
    }
  }
  return Math.max(0, mi); // only rounding can make it negative
}

/** Integer bin codes 0..bins-1 per column. Each column's range is [min, max] unless `range` fixes
 * one for all columns; values outside a fixed range fall in the edge bins. */
export function binColumns(m: Matrix, bins: number, range?: readonly [number, number]): Matrix {
  checkBins(bins);
  if (range && !(range[1] > range[0]))
    inputError(`bin range must have lo < hi, got [${range[0]}, ${range[1]}]`);
  const data = new Float64Array(m.data.length);
  for (let j = 0; j < m.cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    if (range) [lo, hi] = range;
    else {
      for (let i = 0; i < m.rows; i++) {
        const v = m.data[i * m.cols + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    // Each value's code is its position as a fraction of the range, (v - lo) / (hi - lo), scaled
    // by bins: a ratio of differences, so it does not depend on the column's units (a subnormal
    // range no longer makes bins / (hi - lo) overflow). A range wider than the largest double
    // (hi - lo = Infinity) is measured in halves, which is exact at such magnitudes.
    const half = hi - lo === Infinity ? 0.5 : 1;
    const width = hi * half - lo * half;
    for (let i = 0; i < m.rows; i++) {
      // A constant column is all in bin 0; values beyond a fixed range clamp to the edge bins.
      const v = m.data[i * m.cols + j];
      const code = width > 0 ? Math.floor(((v * half - lo * half) / width) * bins) : 0;
      data[i * m.cols + j] = Math.min(bins - 1, Math.max(0, code));
    }
  }
  return { data, rows: m.rows, cols: m.cols };
}

export interface BinnedLayerOptions {
  /** Equal-width bins per unit (default 30, as in Shwartz-Ziv & Tishby 2017). */
  bins?: number;
  /** Bin range shared by all units, e.g. [-1, 1] for tanh. Default: [min, max] over the layer. */
  range?: readonly [number, number];
}

export interface BinnedLayerInformation {
  /** I(X;T) = H(T): T is a deterministic function of the input and X is the sample identity. */
  ixt: number;
  /** I(T;Y) = H(T) - H(T|Y). */
  ity: number;
  n: number;
  /** Distinct binned layer vectors. */
  distinctT: number;
  /** True when nearly every sample is its own symbol (H(T) >= 0.99 log N): I(X;T) then only
   * reflects N, not the layer. Wide layers do this; bin fewer units or project first. */
  saturated: boolean;
}

/** Information-plane coordinates of a layer by binning, the whole binned layer vector being one
 * symbol (plug-in, uncorrected, as in the information-plane literature: a correction could push
 * I(X;T) above its ceiling log N). `t`: N x units activations; `labels`: N labels (or one-hot
 * rows). */
export function binnedLayerInformation(
  t: SampleInput,
  labels: SampleInput,
  options: BinnedLayerOptions = {},
): BinnedLayerInformation {
  const mt = toMatrix(t, 'layer');
  const my = toMatrix(labels, 'labels');
  checkPaired(mt, my, ['layer', 'labels']);
  const bins = options.bins ?? 30;
  let range = options.range;
  if (!range) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of mt.data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // A constant layer is all in bin 0 (per-column ranges say so; lo + 1 may equal lo at 1e300).
    range = hi > lo ? [lo, hi] : undefined;
  }
  const ts = rowSymbols(binColumns(mt, bins, range));
  const ys = rowSymbols(my);
  const hT = entropyFromCounts(histogram(ts.symbols, ts.count));
  const ity = symbolMi(ts, ys, false).mi;
  const n = mt.rows;
  return { ixt: hT, ity, n, distinctT: ts.count, saturated: hT >= 0.99 * Math.log(n) };
}

function symbolMi(xs: Symbols, ys: Symbols, millerMadow: boolean): DiscreteEstimate {
  const n = xs.symbols.length;
  const joint = pairSymbols(xs, ys);
  const hx = entropyFromCounts(histogram(xs.symbols, xs.count));
  const hy = entropyFromCounts(histogram(ys.symbols, ys.count));
  const hxy = entropyFromCounts(histogram(joint.symbols, joint.count));
  const plugIn = hx + hy - hxy;
  const correction = millerMadow ? -(joint.count - xs.count - ys.count + 1) / (2 * n) : 0;
  const result: DiscreteEstimate = {
    mi: plugIn + correction,
    n,
    plugIn,
    symbolsX: xs.count,
    symbolsY: ys.count,
    symbolsJoint: joint.count,
  };
  return withSparsityWarning(result);
}

function withSparsityWarning(result: DiscreteEstimate): DiscreteEstimate {
  if (result.symbolsJoint > result.n / 2) {
    result.warning =
      `${result.n} samples fall in ${result.symbolsJoint} distinct joint cells: ` +
      'too few samples per cell for a plug-in estimate (use fewer bins or fewer dimensions)';
  }
  return result;
}

function conditionalSymbolMi(
  xs: Symbols,
  ys: Symbols,
  zs: Symbols,
  millerMadow: boolean,
): DiscreteEstimate {
  const xz = pairSymbols(xs, zs);
  const yz = pairSymbols(ys, zs);
  const xyz = pairSymbols(pairSymbols(xs, ys), zs);
  const entropy = (s: Symbols) => entropyFromCounts(histogram(s.symbols, s.count), { millerMadow });
  const plain = (s: Symbols) => entropyFromCounts(histogram(s.symbols, s.count));
  return withSparsityWarning({
    mi: entropy(xz) + entropy(yz) - entropy(zs) - entropy(xyz),
    n: xs.symbols.length,
    plugIn: plain(xz) + plain(yz) - plain(zs) - plain(xyz),
    symbolsX: xs.count,
    symbolsY: ys.count,
    symbolsJoint: xyz.count,
  });
}

/** Symbols of the pair (a, b), renumbered densely. */
function pairSymbols(a: Symbols, b: Symbols): Symbols {
  return denseSymbols(a.symbols.length, (i) => a.symbols[i] * b.count + b.symbols[i]);
}

function histogram(symbols: Int32Array, count: number): Int32Array {
  const h = new Int32Array(count);
  for (const s of symbols) h[s]++;
  return h;
}

function checkBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1)
    inputError(`bins must be a positive integer, got ${bins}`);
}
