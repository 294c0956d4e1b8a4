// The one optimiser factory: an optimiser described as plain data (so a run's cache key and its
// stored record can name it) and built when a run starts. TF.js's own optimisers, so a spec means
// the same update everywhere it is used.
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';

export interface OptimizerSpec {
  name: 'sgd' | 'momentum' | 'adam' | 'rmsprop';
  learningRate: number;
  /** For 'momentum' (default 0.9) and 'rmsprop' (default 0). */
  momentum?: number;
}

export const OPTIMIZER_NAMES: readonly OptimizerSpec['name'][] = [
  'sgd',
  'momentum',
  'adam',
  'rmsprop',
];

/** A TF.js optimiser from its spec (the caller disposes it). */
export function makeOptimizer(o: OptimizerSpec): tf.Optimizer {
  if (o === null || typeof o !== 'object') inputError('an optimizer needs { name, learningRate }');
  if (!(o.learningRate > 0)) inputError(`learningRate must be positive, got ${o.learningRate}`);
  if (o.momentum !== undefined && !(o.momentum >= 0 && o.momentum < 1))
    inputError(`momentum must be in [0, 1), got ${o.momentum}`);
  switch (o.name) {
    case 'sgd':
      return tf.train.sgd(o.learningRate);
    case 'momentum':
      return tf.train.momentum(o.learningRate, o.momentum ?? 0.9);
    case 'adam':
      return tf.train.adam(o.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(o.learningRate, 0.9, o.momentum ?? 0);
    default:
      return inputError(
        `optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}; ` +
          `got '${(o as { name: string }).name}'`,
      );
  }
}
