// milab: mutual information for deep learning in TypeScript.
export * as tf from '@tensorflow/tfjs';
export { useBackend, activeBackend, BACKEND_NAMES } from './backend/backend';
export type { BackendName, BackendInfo, BackendOptions } from './backend/backend';
export { Rng } from './random/rng';
export { seededNormal } from './random/normal';
export { MilabInputError } from './errors';
export * from './mi';
export * from './data';
export * from './display';
export * from './report';
export * from './nn';
export * from './regularizers';
export * from './infoplane';
export * from './explore';
// One namespace per paper (lib/src/papers/<paper>/; CONTRIBUTING.md says what goes there).
export * as mmim from './papers/mmim';
export * as mineLenet from './papers/mine-lenet';
export * as miDropout from './papers/mi-dropout';
export * as deepMi from './papers/deep-mi';
export * as regularizingMi from './papers/regularizing-mi';
