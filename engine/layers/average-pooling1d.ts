import { pooling1d } from './pooling1d';

export const AveragePooling1D = pooling1d(
  'AveragePooling1D',
  'Averages each window of steps, for every channel, shortening the sequence.',
  'AvgPool1D',
);
