import { elementwiseMerge } from './merge';

export const Maximum = elementwiseMerge('Maximum', 'maximum', 'Takes the element-wise maximum of its inputs.');
