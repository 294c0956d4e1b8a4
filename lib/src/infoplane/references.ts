// What a MINE estimate of a layer can be checked against, computed from the same rows:
// - the Kolchinsky-Tracey bracket on I(X; L + noise) for X uniform over the rows (KDE lower and
//   upper bounds, Saxe et al.'s quantity), and their I(L + noise; Y) estimate, at MINE's noise
//   level on MINE's standardised layer;
// - the binned plane (30 bins per unit, the whole layer one symbol), which saturates at log N for
//   wide layers: shown so a reader sees that artefact;
// - the ceilings: 1/(2 sigma^2) for the noisy layer (a true bound, see prepare.ts), log N (no
//   estimate from N rows can certify more) and H(Y).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { binnedLayerInformation, discreteEntropy } from '../mi/binning';
import { kdeLayerBounds } from '../mi/kde';
import { toMatrixAsync } from '../mi/matrix';
import type { OutcomeCriterion } from './outcome';
import { gaussianChannelCeiling } from './prepare';

export interface LayerReferences {
  /** Rows the KDE quantities used (the first `kdeRows` of the evaluation rows). */
  kdeRows: number;
  noiseSigma: number;
  /** Bracket on I(X; L + noise), nats. */
  kdeLower: number;
  kdeUpper: number;
  /** I(L + noise; Y) by the same kernel entropies (an estimate, not a bound). */
  kdeIty: number;
  /** Binned I(X; L) = H(binned L) and I(binned L; Y), all evaluation rows. */
  binnedIxt: number;
  binnedIty: number;
  /** log of the evaluation rows: the most any estimate from them can certify for I(X; L). */
  logN: number;
  /** Plug-in entropy of the labels: the ceiling of I(Y; L). */
  labelEntropy: number;
  /** 1 / (2 sigma^2): the ceiling of I(X; L + noise) and so of I(Y; L + noise). */
  channelCeiling: number;
}

/**
 * References for one layer. `standardised` [n, d] is the layer as MINE sees it (before noise),
 * `raw` [n, d] the activations as the network produced them (for binning), `labels` the n class
 * ids. The tensors are read asynchronously (so it runs on webgpu too).
 */
export async function layerReferences(
  standardised: tf.Tensor2D,
  raw: tf.Tensor2D,
  labels: ArrayLike<number>,
  options: { noiseSigma: number; kdeRows: number; bins?: number },
): Promise<LayerReferences> {
  const n = standardised.shape[0];
  if (raw.shape[0] !== n || labels.length !== n)
    inputError(
      `layer references need the same rows: ${n}, ${raw.shape[0]} and ${labels.length} labels`,
    );
  if (!(options.noiseSigma > 0))
    inputError(`the KDE references need noise: noiseSigma must be > 0, got ${options.noiseSigma}`);
  const kdeRows = Math.min(n, options.kdeRows);
  if (!Number.isInteger(kdeRows) || kdeRows < 3)
    inputError(`kdeRows must be an integer >= 3, got ${options.kdeRows}`);
  const head = tf.slice(standardised, [0, 0], [kdeRows, -1]);
  const headRows = await toMatrixAsync(head, 'layer').finally(() => head.dispose());
  const kde = kdeLayerBounds(headRows, {
    noiseSd: options.noiseSigma,
    labels: Array.from(labels).slice(0, kdeRows),
  });
  const labelList = Array.from(labels);
  const binned = binnedLayerInformation(await toMatrixAsync(raw, 'layer'), labelList, {
    bins: options.bins ?? 30,
  });
  return {
    kdeRows,
    noiseSigma: options.noiseSigma,
    kdeLower: kde.lower,
    kdeUpper: kde.upper,
    kdeIty: kde.ity ?? NaN,
    binnedIxt: binned.ixt,
    binnedIty: binned.ity,
    logN: Math.log(n),
    labelEntropy: discreteEntropy(labelList, { millerMadow: false }),
    channelCeiling: gaussianChannelCeiling(options.noiseSigma),
  };
}

/**
 * The outcome criterion (see outcome.ts) for a MINE run of noise `runNoiseSigma` on variable X or Y
 * of a layer, with `references` computed at the run's noise when it has some:
 * X: limit = log N (no estimate from N rows can certify more; without noise the quantity itself is
 *    unbounded), or the channel ceiling 1/(2 sigma^2) of a noisy run (a true bound) if lower;
 *    reference = the KDE lower bound at the references' noise (I(X; L) >= I(X; L + noise) >= it).
 * Y: limit = H(Y), and the channel ceiling for a noisy run; reference = the KDE estimate of
 *    I(L + noise; Y) (an estimate, not a bound).
 */
export function outcomeCriterion(
  variable: 'X' | 'Y',
  runNoiseSigma: number,
  references: LayerReferences,
): OutcomeCriterion {
  const noisy = runNoiseSigma > 0;
  if (noisy && Math.abs(runNoiseSigma - references.noiseSigma) > 1e-12) {
    inputError(
      `a run with noise ${runNoiseSigma} needs references computed at that noise, got ${references.noiseSigma}`,
    );
  }
  const ceiling = noisy ? references.channelCeiling : Infinity;
  if (variable === 'Y')
    return { upperLimit: Math.min(references.labelEntropy, ceiling), reference: references.kdeIty };
  return { upperLimit: Math.min(references.logN, ceiling), reference: references.kdeLower };
}
