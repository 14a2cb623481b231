/**
 * Datasets for training: the part that runs anywhere, the renderer included. Two parts need Node and so are
 * imported directly by the engine process: the image decoders (importers/image-folder.ts; pngjs uses Node's
 * zlib) and reading from disk (node/load.ts: folders, MNIST's files, `--dataset` paths).
 */
export * from './types';
export { batchCount, batches, classCounts, oneHot, permutation, preview, split, subset, take } from './dataset';
export type { BatchOptions } from './dataset';
export { checkAgainstInput, checkAgainstOutput } from './check';
export type { DataMismatch } from './check';
export {
  applyNormalization,
  featureCount,
  fitNormalization,
  normalize,
  normalizeSplits,
  prepareInputs,
} from './normalize';
export type { NormalizationKind } from './normalize';
export { mnistFromDigitArrays } from './mnist';
export type { MnistSplits } from './mnist';
export { circles, spirals, xorBlobs } from './generators/points';
export { SHAPE_CLASSES, drawShape, shapes } from './generators/shapes';
export { BUILTIN_DATASETS, builtinInfo, generateBuiltin } from './registry';
export type { BuiltinId, GenerateOptions } from './registry';
export { readCsv } from './importers/csv';
export type { CsvOptions } from './importers/csv';
export type { FileEntry, ImageFolderOptions } from './importers/image-folder';
export { parseIdx, readIdx, writeIdxUbyte } from './importers/idx';
export { parseNpy } from './importers/npy';
export { readNpyPair } from './importers/npy-pair';
