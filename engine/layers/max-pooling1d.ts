import { pooling1d } from './pooling1d';

export const MaxPooling1D = pooling1d(
  'MaxPooling1D',
  'Keeps the largest value in each window of steps, for every channel, shortening the sequence.',
  'MaxPool1D',
);
