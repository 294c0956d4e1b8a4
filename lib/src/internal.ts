// milab/internal: the pieces the public modules share, exported for milab's own tests and scripts.
// Not part of the public API: names here may change in any release without notice.
export {
  isMatrix,
  toMatrix,
  toMatrixAsync,
  checkPaired,
  hstack,
  takeRows,
  columnStats,
  toFloat32,
  matrixToTensor,
} from './mi/matrix';
export { covarianceMatrix, submatrix, logDetSpd, range } from './mi/special';
export { logDetCovariance } from './mi/gaussian';
export { rowSymbols, entropyFromCounts, binColumns } from './mi/binning';
export type { Symbols } from './mi/binning';
export { classRows } from './mi/knn-label';
export {
  validateEstimate,
  checkOptionNames,
  checkOptionsObject,
  minRowsOf,
  checkRows,
  numberOption,
  booleanOption,
} from './mi/estimate';
export type { EstimateRequest } from './mi/estimate';
export { minResamples, checkBootstrapSettings, checkPermutations } from './mi/uncertainty';
export { installArchive } from './data/prepared';
export { CsvParser } from './data/csv';
export { checksumCacheFile } from './data/checksum';
export { decodeCifarRecords } from './data/cifar';
export { DEBIAN_FASHION_MNIST_DIR } from './data/paths';
export * as datasetSources from './data/sources';
export { plotBundle, PLOTLY_MIME } from './display/plot';
export { tableBundle } from './display/table';
export { inKernel } from './display/kernel';
export { writeFileAtomic, reportsRoot } from './report/paths';
export { validateResults } from './report/results';
export { processAlive, storedRunsStatus, storedRunFileName } from './report/runs';
export {
  signTestP,
  studentTTwoSidedP,
  studentTQuantile,
  logGamma,
  regularizedIncompleteBeta,
} from './report/paired-stats';
export { stopGradient, valueWithGradientOf } from './mi/neural/bounds';
export { ascendStep, RECOVERY_FACTOR } from './mi/neural/train';
export { toLabelArray, prepareLayer } from './regularizers/layer-terms';
export { checkLayerTermSigns } from './regularizers/layer-regularizer';
export { ALPHA_PRIME, DROPOUT_KINDS, stepDropoutLayer } from './nn/dropout';
export { nativeCounts } from './backend/kernels/native';
export { nativeUnavailableReason } from './backend/kernels/native-addon';
export { wasmMemory } from './backend/kernels/wasm-util';
