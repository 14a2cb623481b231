/** The renderer's way into engine/core/ (problems, tensors, shapes and number formatting): the page imports the engine only through engine/api. */
export * from '../core/problems';
export * from '../core/tensor';
export * from '../core/shape';
export * from '../core/format';
