// A regularizer on one hidden layer h made of the layer terms of layer-terms.ts, each with a sign:
//   { tc: 1 }                          +TC(h): units as independent as possible
//   { conditionalTc: -1 }              -TC(h | Y): units dependent given the label
//   { unitLabelMi: -1 }                -sum_i I(Y; h_i): every unit informative about the label
//   { labelMi: -1 }                    -I(Y; h): the layer informative about the label
// and any sum of them. Signs matter for what the estimates can do: every term is a lower bound, so
// minimising a term with sign -1 maximises a lower bound (the direction lower bounds are made for),
// while minimising one with sign +1 lets the network lower the estimate without lowering the
// quantity. Identity: TC(h) - TC(h|Y) = sum_i I(Y; h_i) - I(Y; h), so { tc: 1, conditionalTc: -1,
// unitLabelMi: -1 } equals -I(Y; h) exactly; its three terms are estimated separately here, and
// their estimates do not cancel exactly.
//
// The MiRegularizer contract (regularizer.ts): estimate(h, y) gives sum(sign * estimate),
// differentiable w.r.t. h; after the network's step, updateCritic(h, y) trains each term's critic
// `criticSteps` times on the same batch (h treated as data).
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../errors';
import { Rng } from '../random/rng';
import type { MiRegularizer } from './regularizer';
import {
  BatchLabels,
  LAYER_TERM_NAMES,
  LayerTerm,
  LayerTermName,
  LayerTermOptions,
  createLayerTerm,
} from './layer-terms';

/** The sign of each term a regularizer uses (absent = not used). */
export type LayerTermSigns = Partial<Record<LayerTermName, 1 | -1>>;

export interface LayerRegularizerOptions {
  /** Critic steps per network step (k). Default 1. */
  criticSteps?: number;
  /** Options for every term; `termOptions` overrides per term. */
  critic?: LayerTermOptions;
  termOptions?: Partial<Record<LayerTermName, LayerTermOptions>>;
  seed?: number;
}

/** Check a map of layer terms to signs: known term names, signs +1 or -1, at least one term.
 * Returns the same signs in the fixed order of LAYER_TERM_NAMES. */
export function checkLayerTermSigns(signs: unknown): LayerTermSigns {
  if (typeof signs !== 'object' || signs === null || Array.isArray(signs)) {
    inputError(
      `layer terms must be a map of term to sign, e.g. { tc: 1 }; got ${JSON.stringify(signs)}`,
    );
  }
  const entries = Object.entries(signs as Record<string, unknown>);
  if (entries.length === 0)
    inputError(`layer terms need at least one of ${LAYER_TERM_NAMES.join(', ')}`);
  for (const [name, sign] of entries) {
    if (!(LAYER_TERM_NAMES as readonly string[]).includes(name)) {
      inputError(`unknown layer term '${name}' (expected ${LAYER_TERM_NAMES.join(', ')})`);
    }
    if (sign !== 1 && sign !== -1)
      inputError(`the sign of layer term '${name}' must be 1 or -1, got ${String(sign)}`);
  }
  const given = signs as LayerTermSigns;
  const ordered: LayerTermSigns = {};
  for (const name of LAYER_TERM_NAMES) if (given[name] !== undefined) ordered[name] = given[name];
  return ordered;
}

export class LayerMiRegularizer implements MiRegularizer<BatchLabels> {
  /** The terms and their signs, in the order of LAYER_TERM_NAMES. */
  readonly signs: Readonly<LayerTermSigns>;
  readonly criticSteps: number;
  private readonly terms: { term: LayerTerm; sign: 1 | -1 }[] = [];

  constructor(
    signs: LayerTermSigns,
    readonly units: number,
    readonly classes: number,
    options: LayerRegularizerOptions = {},
  ) {
    this.signs = checkLayerTermSigns(signs);
    this.criticSteps = options.criticSteps ?? 1;
    if (!Number.isInteger(this.criticSteps) || this.criticSteps < 1) {
      inputError(`criticSteps must be a positive integer, got ${this.criticSteps}`);
    }
    const rng = new Rng(options.seed ?? 0);
    for (const name of Object.keys(this.signs) as LayerTermName[]) {
      const termSeed = rng.fork(name).nextSeed();
      const termOptions = { ...options.critic, ...options.termOptions?.[name], seed: termSeed };
      this.terms.push({
        term: createLayerTerm(name, units, classes, termOptions),
        sign: this.signs[name]!,
      });
    }
  }

  /** The terms this regularizer uses, in a fixed order. */
  get termNames(): LayerTermName[] {
    return this.terms.map((t) => t.term.name);
  }

  /** sum over its terms of sign * estimate (nats), differentiable w.r.t. h. */
  estimate(h: tf.Tensor2D, labels: BatchLabels): tf.Scalar {
    return tf.tidy(() => {
      const signed = this.terms.map(({ term, sign }) => tf.mul(sign, term.estimate(h, labels)));
      return tf.addN(signed) as tf.Scalar;
    });
  }

  /** criticSteps steps of every term's critic on this batch. */
  updateCritic(h: tf.Tensor2D, labels: BatchLabels): void {
    for (let k = 0; k < this.criticSteps; k++) {
      for (const { term } of this.terms) term.updateCritic(h, labels);
    }
  }

  /** Per-term mean of the critic-step estimates since the previous call (nats; for curves of the
   * terms during training). */
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
