// The paper's statistics networks, by the paper's names. Its Arch 1, 2 and 3 are the three kinds of
// infoplane/critics.ts:
//
//   Arch 1  concat           concat(a, l) -> Dense(h) ReLU -> Dense(1)
//   Arch 2  conv-first       "convolution to 2D input/layer output and ReLU for 1D input/layer
//                            output", then as Arch 1; the convolution's size is unstated
//                            (critics.ts uses 8 linear filters, few, so that it reduces the
//                            dimension)
//   Arch 3  nonlinear-first  "apply non-linearity" before the concatenation, read as a learnable
//                            Dense(h) ReLU per side: the reading that matches the paper's
//                            conclusion that learnable layers before the concatenation destabilise
//                            MINE
//
// A suffix (2) adds noise on L, (3) also sets the hidden units. The paper does not state its noise
// level. DEFAULT_NOISE_SIGMA is this project's choice, on the scale of infoplane/prepare.ts (a
// layer of unit mean squared norm): it makes I(X; L + noise) finite (at most 1/(2 sigma^2) = 50
// nats) while leaving each unit of a 500-wide layer a signal-to-noise ratio of 0.2. At 0.2, MINE
// (h=20, 1000 rows) no longer found I(Y; maxpool1) at all: 0.00 nats against 1.2 at 0.1 and a KDE
// estimate of 2.3 (measured). Every preset takes another level.
import {
  statisticsNetworkSpec,
  type StatisticsArchitecture,
  type StatisticsNetworkSpec,
} from '../../infoplane/critics';

export const DEFAULT_NOISE_SIGMA = 0.1;

/** The paper's architecture numbers. */
export const ARCHITECTURES: Readonly<Record<'1' | '2' | '3', StatisticsArchitecture>> = {
  1: 'concat',
  2: 'conv-first',
  3: 'nonlinear-first',
};

/** Table 2, "MI between input and layer output". */
export function inputArchitectures(noiseSigma = DEFAULT_NOISE_SIGMA): StatisticsNetworkSpec[] {
  return [
    statisticsNetworkSpec(ARCHITECTURES[1], 10, 0, '1'),
    statisticsNetworkSpec(ARCHITECTURES[1], 10, noiseSigma, '1(2)'),
    statisticsNetworkSpec(ARCHITECTURES[1], 20, noiseSigma, '1(3)'),
    statisticsNetworkSpec(ARCHITECTURES[2], 10, 0, '2'),
    statisticsNetworkSpec(ARCHITECTURES[3], 10, 0, '3'),
    statisticsNetworkSpec(ARCHITECTURES[3], 10, noiseSigma, '3(2)'),
  ];
}

/** Table 2, "MI between target and layer output". */
export function targetArchitectures(noiseSigma = DEFAULT_NOISE_SIGMA): StatisticsNetworkSpec[] {
  return [
    statisticsNetworkSpec(ARCHITECTURES[1], 10, 0, '1'),
    statisticsNetworkSpec(ARCHITECTURES[1], 100, noiseSigma, '1(3)'),
  ];
}

/** The statistics network of the information-plane figures: Arch 1 with noise on L and `hidden`
 * units (20 in the paper's Figures 1-4, 100 in Figure 5), for X and Y alike. */
export function planeArchitecture(
  hidden: number,
  noiseSigma = DEFAULT_NOISE_SIGMA,
): StatisticsNetworkSpec {
  return statisticsNetworkSpec(ARCHITECTURES[1], hidden, noiseSigma, `1(3) h=${hidden}`);
}
