// A named lower bound together with the state it needs: MINE's moving average, the learned
// baseline a(x) of TUBA and the interpolated bound. `train` is the scalar to maximise on a training
// batch; `evaluate` the estimate on held-out scores (no state change).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors';
import { Activation, Mlp } from './mlp';
import {
  CriticScores,
  MineEma,
  dvBound,
  infonceBound,
  interpolatedBound,
  jsBound,
  mineBound,
  nwjBound,
  smileBound,
  tubaBound,
} from './bounds';

export type LowerBoundName = 'mine' | 'dv' | 'nwj' | 'infonce' | 'js' | 'smile' | 'tuba' | 'alpha';
export const LOWER_BOUND_NAMES: readonly LowerBoundName[] = [
  'mine',
  'dv',
  'nwj',
  'infonce',
  'js',
  'smile',
  'tuba',
  'alpha',
];

export interface BoundOptions {
  /** SMILE clipping threshold. Default 5 (Song & Ermon's tau = 5). */
  tau?: number;
  /** Interpolated bound weight on the InfoNCE baseline. Default 0.01 (Poole et al.). */
  alpha?: number;
  /** MINE moving-average rate. Default 0.01. */
  emaRate?: number;
  /** Hidden widths of the learned baseline a(x) (TUBA, alpha). Default [64]. */
  baselineHidden?: readonly number[];
  activation?: Activation;
}

export function checkBoundName(name: string): LowerBoundName {
  if (!(LOWER_BOUND_NAMES as readonly string[]).includes(name)) {
    inputError(`bound must be one of ${LOWER_BOUND_NAMES.join(', ')}; got '${name}'`);
  }
  return name as LowerBoundName;
}

/** Range checks of tau, alpha and emaRate as input errors (MineEma's own check is a plain Error,
 * for a bug inside the library); the registry calls it before any tensor exists. */
export function checkBoundOptions(options: BoundOptions): void {
  const { tau = 5, alpha = 0.01, emaRate = 0.01 } = options;
  if (!(tau > 0)) inputError(`tau must be positive, got ${tau}`);
  if (!(alpha > 0 && alpha < 1)) inputError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(emaRate > 0 && emaRate <= 1)) inputError(`emaRate must be in (0, 1], got ${emaRate}`);
}

export class LowerBoundObjective {
  private readonly ema: MineEma | null;
  /** log a(x) for TUBA and the interpolated bound. */
  private readonly baseline: Mlp | null;
  private readonly tau: number;
  private readonly alpha: number;

  constructor(
    readonly name: LowerBoundName,
    xDim: number,
    seed: number,
    options: BoundOptions = {},
  ) {
    checkBoundName(name);
    checkBoundOptions(options);
    this.tau = options.tau ?? 5;
    this.alpha = options.alpha ?? 0.01;
    this.ema = name === 'mine' ? new MineEma(options.emaRate ?? 0.01) : null;
    this.baseline =
      name === 'tuba' || name === 'alpha'
        ? new Mlp(xDim, options.baselineHidden ?? [64], 1, { activation: options.activation, seed })
        : null;
  }

  get variables(): tf.Variable[] {
    return this.baseline ? this.baseline.variables : [];
  }

  /** Negatives needed per row (the interpolated bound's leave-one-out baseline needs 2). */
  get minNegatives(): number {
    return this.name === 'alpha' ? 2 : 1;
  }

  /** Training signal on a batch (updates MINE's moving average). `x` feeds the learned baseline. */
  train(scores: CriticScores, x: tf.Tensor2D): tf.Scalar {
    return this.compute(scores, x, true);
  }

  /** The bound's value; for MINE the gradient uses the average without updating it. */
  evaluate(scores: CriticScores, x: tf.Tensor2D): tf.Scalar {
    return this.compute(scores, x, false);
  }

  /** Forget MINE's moving average (after restoring weights from a divergence). */
  resetState(): void {
    this.ema?.reset();
  }

  private compute(scores: CriticScores, x: tf.Tensor2D, training: boolean): tf.Scalar {
    return tf.tidy(() => {
      switch (this.name) {
        case 'mine':
          return mineBound(scores, this.ema!, training);
        case 'dv':
          return dvBound(scores);
        case 'nwj':
          return nwjBound(scores);
        case 'infonce':
          return infonceBound(scores);
        case 'js':
          return jsBound(scores);
        case 'smile':
          return smileBound(scores, this.tau);
        case 'tuba':
          return tubaBound(scores, this.logBaseline(x));
        case 'alpha':
          return interpolatedBound(scores, this.logBaseline(x), this.alpha);
      }
    });
  }

  private logBaseline(x: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(this.baseline!.apply(x), [-1]) as tf.Tensor1D;
  }

  dispose(): void {
    this.ema?.dispose();
    this.baseline?.dispose();
  }
}
