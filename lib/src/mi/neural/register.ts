// The neural estimators in the estimator registry (estimate('mine', x, y, options), the CLI's
// --estimator), with their options read and checked from the registry's loose option bag.
import { inputError } from '../../errors';
import { EstimateOptions, booleanOption, numberOption, registerEstimator } from '../estimate';
import { neuralMi, NeuralMiOptions } from './estimators';
import { neuralConditionalMi } from './multivariate';
import { checkBoundOptions, LowerBoundName } from './objectives';
import { neuralUpperBound, UpperBoundName } from './upper';
import { barberAgakov } from './ba';
import { Activation } from './mlp';
import { CriticKind, Negatives } from './critics';

const TRAIN_OPTIONS = [
  'maxSteps',
  'minSteps',
  'evalEvery',
  'patience',
  'minDelta',
  'earlyStopping',
  'learningRate',
  'clipGradNorm',
];
const SAMPLE_OPTIONS = ['batchSize', 'heldOut', 'standardize', 'hidden', 'activation'];
const NEURAL_OPTIONS = [...TRAIN_OPTIONS, ...SAMPLE_OPTIONS];
const CRITIC_OPTIONS = ['critic', 'embedDim', 'negatives', 'shuffles'];
/** Options only one bound reads: giving them to another bound is refused, not ignored. */
const BOUND_OPTIONS: Partial<Record<LowerBoundName, string[]>> = {
  smile: ['tau'],
  alpha: ['alpha'],
  mine: ['emaRate'],
};

function stringOption(o: EstimateOptions, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') inputError(`option ${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** Hidden widths from an array or a comma-separated string such as '256,256'. */
function widthsOption(o: EstimateOptions, key: string): number[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const parts = Array.isArray(v)
    ? v
    : typeof v === 'number'
      ? [v]
      : typeof v === 'string'
        ? v.split(',').map((s) => Number(s.trim()))
        : null;
  if (!parts || parts.some((p) => !Number.isInteger(p) || (p as number) < 1)) {
    inputError(`option ${key} must be positive integers such as 256,256; got ${JSON.stringify(v)}`);
  }
  return parts as number[];
}

/** The registry's options as NeuralMiOptions, type-checked (the registry refuses unknown keys; the
 * value ranges are checked where each option is used, so direct calls get the same checks). */
export function neuralOptions(o: EstimateOptions): NeuralMiOptions {
  const picked: NeuralMiOptions = {
    seed: numberOption(o, 'seed'),
    onProgress: o.onProgress,
    maxSteps: numberOption(o, 'maxSteps'),
    minSteps: numberOption(o, 'minSteps'),
    evalEvery: numberOption(o, 'evalEvery'),
    patience: numberOption(o, 'patience'),
    minDelta: numberOption(o, 'minDelta'),
    earlyStopping: booleanOption(o, 'earlyStopping'),
    learningRate: numberOption(o, 'learningRate'),
    clipGradNorm: numberOption(o, 'clipGradNorm'),
    batchSize: numberOption(o, 'batchSize'),
    heldOut: numberOption(o, 'heldOut'),
    standardize: booleanOption(o, 'standardize'),
    hidden: widthsOption(o, 'hidden'),
    activation: stringOption(o, 'activation') as Activation | undefined,
    critic: stringOption(o, 'critic') as CriticKind | undefined,
    embedDim: numberOption(o, 'embedDim'),
    negatives: stringOption(o, 'negatives') as Negatives | undefined,
    shuffles: numberOption(o, 'shuffles'),
    tau: numberOption(o, 'tau'),
    alpha: numberOption(o, 'alpha'),
    emaRate: numberOption(o, 'emaRate'),
  };
  for (const key of Object.keys(picked) as (keyof NeuralMiOptions)[])
    if (picked[key] === undefined) delete picked[key];
  return picked;
}

const LOWER: [LowerBoundName, string][] = [
  ['mine', 'MINE: Donsker-Varadhan bound, moving-average-corrected gradient (neural)'],
  ['nwj', 'NWJ / MINE-f lower bound (neural)'],
  ['infonce', 'InfoNCE contrastive lower bound, at most log(batch size) (neural)'],
  ['smile', 'SMILE: DV bound with the critic clipped to [-tau, tau], JS-trained (neural)'],
  ['js', 'Jensen-Shannon-trained critic read out through NWJ (neural)'],
  ['tuba', 'TUBA lower bound with a learned baseline (neural)'],
  ['alpha', "Poole et al.'s interpolated bound between InfoNCE and TUBA (neural)"],
  ['dv', 'Donsker-Varadhan bound with the plain minibatch gradient (neural)'],
];

for (const [bound, description] of LOWER) {
  registerEstimator(bound, {
    description,
    estimate: (x, y, o) => neuralMi(x, y, { ...neuralOptions(o), bound }),
    conditional: (x, y, z, o) => neuralConditionalMi(x, y, z, { ...neuralOptions(o), bound }),
    usesTensorflow: true,
    optionNames: [...NEURAL_OPTIONS, ...CRITIC_OPTIONS, ...(BOUND_OPTIONS[bound] ?? [])],
    checkOptions: (o) => checkBoundOptions(neuralOptions(o)),
    continuous: true,
  });
}

const UPPER: [UpperBoundName, string][] = [
  ['club', 'CLUB upper bound with a Gaussian q(y|x) (neural; for minimising MI)'],
  ['l1out', 'leave-one-out upper bound with a Gaussian q(y|x) (neural; for minimising MI)'],
];

for (const [bound, description] of UPPER) {
  registerEstimator(bound, {
    description,
    estimate: (x, y, o) => {
      const {
        critic: _c,
        embedDim: _e,
        negatives: _n,
        shuffles: _s,
        tau: _t,
        alpha: _a,
        emaRate: _r,
        ...rest
      } = neuralOptions(o);
      return neuralUpperBound(x, y, { ...rest, bound });
    },
    usesTensorflow: true,
    optionNames: [...TRAIN_OPTIONS, ...SAMPLE_OPTIONS],
    checkOptions: (o) => void neuralOptions(o),
    continuous: true,
  });
}

registerEstimator('ba', {
  description:
    'Barber-Agakov lower bound H(Y) + E[log q(y|x)], Gaussian q, ' +
    'H(Y) from a Gaussian fit unless entropyY is given (neural)',
  estimate: (x, y, o) => {
    const {
      critic: _c,
      embedDim: _e,
      negatives: _n,
      shuffles: _s,
      tau: _t,
      alpha: _a,
      emaRate: _r,
      ...rest
    } = neuralOptions(o);
    return barberAgakov(x, y, { ...rest, entropyY: numberOption(o, 'entropyY') });
  },
  usesTensorflow: true,
  optionNames: [...TRAIN_OPTIONS, ...SAMPLE_OPTIONS, 'entropyY'],
  checkOptions: (o) => {
    neuralOptions(o);
    numberOption(o, 'entropyY');
  },
  continuous: true,
});
