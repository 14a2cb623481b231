/**
 * The renderer's way into engine/formats/ for what the page holds from the start: Keras Python for the code view,
 * and the types of saved runs and exports. Readers and writers of files load lazily through file-formats.ts.
 */
export type * from '../formats/export';
export type * from '../formats/keras-train';
export { exportKerasPython, importKerasPython } from '../formats/keras-python';
export type * from '../formats/project-runs';
export type * from '../formats/types';
