import { globalPooling1d } from './global-pooling1d';

export const GlobalAveragePooling1D = globalPooling1d(
  'GlobalAveragePooling1D',
  'Averages each channel over all steps: (steps, C) → (C).',
  'GlobalAvgPool1D',
);
