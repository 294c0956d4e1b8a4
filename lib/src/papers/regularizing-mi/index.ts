// Regularising with MI (Shell Xu Hu's slides; beta-BNN and VID), notebook 002-regularizing-with-mi.
// Part A so far: the slides' formulas checked exactly (exact-checks.ts), with the enumerable Gibbs
// learner (gibbs.ts). Exported as the namespace `regularizingMi`.
export { NOTEBOOK, PART_A_CLAIMS } from './paper';
export type { SlideClaim } from './paper';
export { gibbsCase, metaLearningIdentity } from './gibbs';
export type { GibbsToyOptions, GibbsCase, MetaLearningIdentity } from './gibbs';
export {
  IDENTITY_TOLERANCE,
  ITERATION_TOLERANCE,
  checkIdentities,
  checkRateDistortion,
  typoUpdateRate,
  checkCapacity,
  checkChiSquare,
  checkLearner,
  partAClaims,
} from './exact-checks';
export type { IdentityCheck, SourceCheck, ChannelCheck, ChiSquareCheck } from './exact-checks';
