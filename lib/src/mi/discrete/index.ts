// Exact information quantities of discrete distributions: Blahut-Arimoto rate-distortion and
// capacity, the closed forms they are checked against, the variational forms of MI and f-MI.
export { rateDistortion, rateDistortionCurve, channelCapacity } from './blahut-arimoto';
export type {
  IterationOptions,
  RateDistortionPoint,
  RateDistortionResult,
  CapacityResult,
} from './blahut-arimoto';
export {
  binaryEntropy,
  binaryRateDistortion,
  uniformRateDistortion,
  bscCapacity,
  becCapacity,
  zChannelCapacity,
} from './closed-forms';
export {
  variationalMiLower,
  variationalMiUpper,
  posteriorTable,
  fMutualInformation,
} from './variational';
export { channelMi } from './tables';
