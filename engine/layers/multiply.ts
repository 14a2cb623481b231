import { elementwiseMerge } from './merge';

export const Multiply = elementwiseMerge('Multiply', 'Multiplies its inputs element-wise (gating, attention masks).');
