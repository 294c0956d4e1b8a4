// MMIM's penalties (Xie & Hou 2021, eq. 7-8) on the penultimate layer h, as signed layer terms of
// the general LayerMiRegularizer:
//   C4  = +TC(h)                     diversity: units as independent as possible
//   C5  = -TC(h | Y)                 (sign: the bound contains -TC(h|Y), so minimising the bound
//                                     MAXIMISES the conditional total correlation; minimising C5 is
//                                     maximising a lower bound, the direction lower bounds are made
//                                     for)
//   C6  = -sum_i I(Y; h_i)           every unit individually informative about the label
//   RDM = C4 + C5                    Zhang et al.'s redundancy-decrease regularizer
//   C1 = C4 + C5 + C6 MMIM's first step (by the identity in identity.ts, C1 = -I(Y; h))
// The three terms are estimated separately (as in the paper), and their estimates do not cancel
// exactly.
import { inputError } from '../../errors';
import {
  LayerMiRegularizer,
  type LayerRegularizerOptions,
  type LayerTermSigns,
} from '../../regularizers/layer-regularizer';

export type PenaltyKind = 'C4' | 'C5' | 'C6' | 'RDM' | 'C1';
export const PENALTY_KINDS: readonly PenaltyKind[] = ['C4', 'C5', 'C6', 'RDM', 'C1'];

/** The signed layer terms of each penalty. */
export const PENALTY_TERMS: Readonly<Record<PenaltyKind, Readonly<LayerTermSigns>>> = {
  C4: { tc: 1 },
  C5: { conditionalTc: -1 },
  C6: { unitLabelMi: -1 },
  RDM: { tc: 1, conditionalTc: -1 },
  C1: { tc: 1, conditionalTc: -1, unitLabelMi: -1 },
};

export function checkPenaltyKind(kind: string): PenaltyKind {
  if (!(PENALTY_KINDS as readonly string[]).includes(kind)) {
    inputError(`penalty must be one of ${PENALTY_KINDS.join(', ')}; got '${kind}'`);
  }
  return kind as PenaltyKind;
}

/** The regularizer of one of MMIM's penalties on a layer of `units` units and `classes` labels. */
export function penaltyRegularizer(
  kind: PenaltyKind,
  units: number,
  classes: number,
  options: LayerRegularizerOptions = {},
): LayerMiRegularizer {
  return new LayerMiRegularizer(PENALTY_TERMS[checkPenaltyKind(kind)], units, classes, options);
}
