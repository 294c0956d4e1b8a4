// Regularisers built from the terms of MMIM's bound (Xie & Hou 2021, eq. 7-8) on one hidden layer:
//   C4  = +TC(h)                     diversity: units as independent as possible
//   C5  = -TC(h | Y)                 (sign: the bound contains -TC(h|Y), so minimising the bound
//                                     MAXIMISES the conditional total correlation; minimising C5 is
//                                     maximising a lower bound, the direction lower bounds are made for)
//   C6  = -sum_i I(Y; h_i)           every unit individually informative about the label
//   RDM = C4 + C5                    Zhang et al.'s redundancy-decrease regulariser
//   C1  = C4 + C5 + C6               MMIM's first step (by the identity below, C1 = -I(Y; h))
// Identity: TC(h) - TC(h|Y) = sum_i I(Y; h_i) - I(Y; h), so C1 = -I(Y; h) exactly; the three terms
// are estimated separately here (as in the paper), and their estimates do not cancel exactly.
//
// Use inside a training step: penalty(h, y) gives sum(sign * estimate), differentiable w.r.t. h;
// after the network's step, updateCritic(h, y) trains each active term's critic `criticSteps` times
// on the same batch (h treated as data).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import { BatchLabels, LayerTerm, LayerTermName, LayerTermOptions, createLayerTerm } from './layer-terms';

export type LayerPenaltyKind = 'C4' | 'C5' | 'C6' | 'RDM' | 'C1';
export const LAYER_PENALTY_KINDS: readonly LayerPenaltyKind[] = ['C4', 'C5', 'C6', 'RDM', 'C1'];

/** Sign of each term in each penalty (absent = not used). */
export const LAYER_PENALTY_SIGNS: Readonly<Record<LayerPenaltyKind, Partial<Record<LayerTermName, 1 | -1>>>> = {
  C4: { tc: 1 },
  C5: { conditionalTc: -1 },
  C6: { unitLabelMi: -1 },
  RDM: { tc: 1, conditionalTc: -1 },
  C1: { tc: 1, conditionalTc: -1, unitLabelMi: -1 },
};

export interface LayerRegularizerOptions {
  /** Critic steps per network step (k). Default 1. */
  criticSteps?: number;
  /** Options for every term; `termOptions` overrides per term. */
  critic?: LayerTermOptions;
  termOptions?: Partial<Record<LayerTermName, LayerTermOptions>>;
  seed?: number;
}

export function checkPenaltyKind(kind: string): LayerPenaltyKind {
  if (!(LAYER_PENALTY_KINDS as readonly string[]).includes(kind)) {
    inputError(`penalty must be one of ${LAYER_PENALTY_KINDS.join(', ')}; got '${kind}'`);
  }
  return kind as LayerPenaltyKind;
}

export class LayerMiRegularizer {
  readonly kind: LayerPenaltyKind;
  readonly criticSteps: number;
  private readonly terms: { term: LayerTerm; sign: 1 | -1 }[] = [];

  constructor(kind: LayerPenaltyKind, readonly units: number, readonly classes: number, options: LayerRegularizerOptions = {}) {
    this.kind = checkPenaltyKind(kind);
    this.criticSteps = options.criticSteps ?? 1;
    if (!Number.isInteger(this.criticSteps) || this.criticSteps < 1) {
      inputError(`criticSteps must be a positive integer, got ${this.criticSteps}`);
    }
    const rng = new Rng(options.seed ?? 0);
    const signs = LAYER_PENALTY_SIGNS[this.kind];
    for (const name of Object.keys(signs) as LayerTermName[]) {
      const termSeed = rng.fork(name).nextSeed();
      const term = createLayerTerm(name, units, classes, { ...options.critic, ...options.termOptions?.[name], seed: termSeed });
      this.terms.push({ term, sign: signs[name]! });
    }
  }

  /** The terms this penalty uses, in a fixed order. */
  get termNames(): LayerTermName[] {
    return this.terms.map((t) => t.term.name);
  }

  /** sum over active terms of sign * estimate (nats), differentiable w.r.t. h. */
  penalty(h: tf.Tensor2D, labels: BatchLabels): tf.Scalar {
    return tf.tidy(() => tf.addN(this.terms.map(({ term, sign }) => tf.mul(sign, term.estimate(h, labels)))) as tf.Scalar);
  }

  /** criticSteps steps of every active term's critic on this batch. */
  updateCritic(h: tf.Tensor2D, labels: BatchLabels): void {
    for (let k = 0; k < this.criticSteps; k++) for (const { term } of this.terms) term.updateCritic(h, labels);
  }

  /** Per-term mean of the critic-step estimates since the previous call (nats; for MI-term curves). */
  async takeEstimates(): Promise<Partial<Record<LayerTermName, number>>> {
    const out: Partial<Record<LayerTermName, number>> = {};
    const averages = await Promise.all(this.terms.map(({ term }) => term.takeAverage()));
    this.terms.forEach(({ term }, i) => (out[term.name] = averages[i]));
    return out;
  }

  dispose(): void {
    for (const { term } of this.terms) term.dispose();
  }
}
