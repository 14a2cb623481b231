/** The format functions the editor's file actions use, as one lazily loaded chunk. */
// Before any module that defines a zod schema (the project file's).
import '../zod-config';
export { readModelFile } from '../../engine/formats/detect';
export { exportModel } from '../../engine/formats/export';
export { writeKerasJson } from '../../engine/formats/keras-json';
export { readProjectFile, writeProject } from '../../engine/formats/project';
export { exportTfjs } from '../../engine/formats/tfjs';
export { readWeightsJson, writeWeightsJson } from '../../engine/formats/weights-json';
export { isHdf5, loadWeightsH5 } from '../../engine/formats/keras-h5';
export { appTrainingScript } from './training-script';
