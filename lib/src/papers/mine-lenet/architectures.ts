// The statistics networks of the seed's Table 2, by the seed's names. The seed does not state its
// noise level. DEFAULT_NOISE_SIGMA is this project's choice, on the scale of prepare.ts (a layer of
// unit mean squared norm): it makes I(X; L + noise) finite (at most 1/(2 sigma^2) = 50 nats) while
// leaving each unit of a 500-wide layer a signal-to-noise ratio of 0.2. At 0.2, MINE (h=20, 1000
// rows) no longer found I(Y; maxpool1) at all: 0.00 nats against 1.2 at 0.1 and a KDE estimate of
// 2.3 (measured). Every preset takes another level.
import type { StatisticsNetworkSpec } from '../../infoplane/critics';

export const DEFAULT_NOISE_SIGMA = 0.1;

/** Table 2, "MI between input and layer output". */
export function inputArchitectures(noiseSigma = DEFAULT_NOISE_SIGMA): StatisticsNetworkSpec[] {
  return [
    { label: '1', architecture: 'concat', hidden: 10, noiseSigma: 0 },
    { label: '1(2)', architecture: 'concat', hidden: 10, noiseSigma },
    { label: '1(3)', architecture: 'concat', hidden: 20, noiseSigma },
    { label: '2', architecture: 'conv-first', hidden: 10, noiseSigma: 0 },
    { label: '3', architecture: 'nonlinear-first', hidden: 10, noiseSigma: 0 },
    { label: '3(2)', architecture: 'nonlinear-first', hidden: 10, noiseSigma },
  ];
}

/** Table 2, "MI between target and layer output". */
export function targetArchitectures(noiseSigma = DEFAULT_NOISE_SIGMA): StatisticsNetworkSpec[] {
  return [
    { label: '1', architecture: 'concat', hidden: 10, noiseSigma: 0 },
    { label: '1(3)', architecture: 'concat', hidden: 100, noiseSigma },
  ];
}

/** The statistics network of the information-plane figures: Arch 1 with noise on L and `hidden`
 * units (20 in the seed's Figures 1-4, 100 in Figure 5), for X and Y alike. */
export function planeArchitecture(hidden: number, noiseSigma = DEFAULT_NOISE_SIGMA): StatisticsNetworkSpec {
  return { label: `1(3) h=${hidden}`, architecture: 'concat', hidden, noiseSigma };
}
