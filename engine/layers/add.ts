import { elementwiseMerge } from './merge';

export const Add = elementwiseMerge('Add', 'Adds its inputs element-wise, e.g. the shortcut of a residual block; the shapes must match.');
