import { elementwiseMerge } from './merge';

export const Average = elementwiseMerge('Average', 'Averages its inputs element-wise.');
