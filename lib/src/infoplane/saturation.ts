// The binning pitfall of the information plane, measured: with the whole binned layer vector as one
// symbol, a layer of w units on b bins has b^w possible symbols, so once b^w far exceeds the N
// samples nearly every sample is its own symbol, H(T) reaches log N and I(X;T) = H(T) says nothing
// about the layer. The curve H(T) / log N against width and N shows where that happens; the
// width where it should, w* = log N / log b, is given beside it.
import { inputError } from '../errors';
import { binnedLayerInformation } from '../mi/binning';
import { matrix, toMatrix, type SampleInput } from '../mi/matrix';
import { Rng } from '../random/rng';

export interface SaturationPoint {
  width: number;
  n: number;
  /** H(T) / log N: 1 when every sample is its own symbol. */
  ratio: number;
  /** log N / log bins: the width from which saturation is expected. */
  expectedWidth: number;
  saturated: boolean;
}

/**
 * H(T) / log N of a layer's first `width` units (of a seeded column order) on the first `n` rows
 * (of a seeded row order), for every width and n; bins as binnedLayerInformation (equal width over
 * the layer's range, `bins` per unit).
 */
export function saturationCurve(
  layer: SampleInput,
  options: {
    widths: readonly number[];
    sampleSizes: readonly number[];
    bins?: number;
    seed?: number;
  },
): SaturationPoint[] {
  const m = toMatrix(layer, 'layer');
  const bins = options.bins ?? 30;
  const rng = new Rng(options.seed ?? 0).fork('saturation');
  const columns = rng.permutation(m.cols);
  const rows = rng.permutation(m.rows);
  const out: SaturationPoint[] = [];
  for (const width of options.widths) {
    if (!Number.isInteger(width) || width < 1 || width > m.cols)
      inputError(`saturationCurve: widths must be in 1..${m.cols}, got ${width}`);
    for (const n of options.sampleSizes) {
      if (!Number.isInteger(n) || n < 2 || n > m.rows)
        inputError(`saturationCurve: sample sizes must be in 2..${m.rows}, got ${n}`);
      const data = new Float64Array(n * width);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < width; c++) data[r * width + c] = m.data[rows[r] * m.cols + columns[c]];
      }
      // Labels do not enter H(T); a constant label keeps binnedLayerInformation's checks happy.
      const info = binnedLayerInformation(matrix(data, n, width), new Float64Array(n), { bins });
      out.push({
        width,
        n,
        ratio: info.ixt / Math.log(n),
        expectedWidth: Math.log(n) / Math.log(bins),
        saturated: info.saturated,
      });
    }
  }
  return out;
}
