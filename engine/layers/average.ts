import { elementwiseMerge } from './merge';

export const Average = elementwiseMerge('Average', 'average', 'Averages its inputs element-wise.');
