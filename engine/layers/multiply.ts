import { elementwiseMerge } from './merge';

export const Multiply = elementwiseMerge(
  'Multiply',
  'multiply',
  'Multiplies its inputs element-wise (gating, attention masks).',
);
