import { elementwiseMerge } from './merge';

export const Maximum = elementwiseMerge('Maximum', 'Takes the element-wise maximum of its inputs.');
