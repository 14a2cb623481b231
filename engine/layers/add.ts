import { elementwiseMerge } from './merge';

export const Add = elementwiseMerge(
  'Add',
  'add',
  'Adds its inputs element-wise, e.g. the shortcut of a residual block; the shapes must match.',
);
