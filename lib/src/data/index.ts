// data: dataset loaders (offline: Fashion-MNIST, MNIST, IMDB; online: CIFAR-10, AG_NEWS, Yelp
// polarity), verified by recorded checksums, plus the helpers to turn them into model inputs.
export {
  loadFashionMnist,
  loadMnist,
  loadIdxPair,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
} from './mnist';
export { loadCifar10, prepareCifar10, CIFAR10_CLASSES } from './cifar';
export {
  loadImdb,
  loadAgNews,
  loadYelpPolarity,
  loadLabelledCsv,
  prepareAgNews,
  prepareYelpPolarity,
  IMDB_CLASSES,
  AG_NEWS_CLASSES,
  YELP_POLARITY_CLASSES,
} from './text-datasets';
export type { TextDataset, LabelledCsvOptions } from './text-datasets';
export { classCounts, classCountTable, corruptLabels } from './labels';
export { imagesAsFloat32, imagesToTensor, labelsToTensor, subsetImages } from './images';
export type { ImageDataset, DatasetSplit } from './images';
export type { LoadOptions } from './options';
export { TextVocabulary, tokenizeWords, tokenIdsToTensor, PAD_ID, UNKNOWN_ID } from './vocabulary';
export type { EncodedTexts, EncodeOptions } from './vocabulary';
export { trainValTestSplit, subsetTexts, stratifiedSubset, perClassSubset } from './split';
export { colorfulMnist, proceduralTexture } from './colorful';
export type { ColorfulOptions } from './colorful';
export type { IndexSplit, SplitOptions } from './split';
export { parseIdx, readIdxFile } from './idx';
export type { IdxArray, IdxDtype } from './idx';
export { readCsvRecords } from './csv';
export { extractTarGz } from './tar';
export type { ExtractedMember } from './tar';
export { hashFile, verifyFile } from './checksum';
export type { DigestAlgorithm, KnownDigest, FileCheck } from './checksum';
export { downloadVerified } from './download';
export type { DownloadOptions, DownloadProgress } from './download';
export {
  verifyOfflineDatasets,
  downloadDataset,
  datasetPresent,
  OFFLINE_DATASETS,
  DOWNLOADABLE_DATASETS,
} from './catalog';
export type { DatasetCheck, DownloadableDataset } from './catalog';
export { dataDir } from './paths';
export type { RemoteFile } from './sources';
