/**
 * The format functions the editor's file actions use, one lazily loaded chunk (renderer/actions/formats.ts):
 * reading any model file, exporting, projects, weights.
 */
export { readModelFile, readWeightsFile } from '../formats/detect';
export { exportModel } from '../formats/export';
export { writeKerasJson } from '../formats/keras-json';
export { readProjectFile, writeProject } from '../formats/project';
export { exportTfjs } from '../formats/tfjs';
export { writeWeightsJson } from '../formats/weights-json';
export { npz, writeTrainingScript } from '../formats/keras-train';
