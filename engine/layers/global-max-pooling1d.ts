import { globalPooling1d } from './global-pooling1d';

export const GlobalMaxPooling1D = globalPooling1d(
  'GlobalMaxPooling1D',
  'Takes the maximum of each channel over all steps: (steps, C) → (C).',
  'GlobalMaxPool1D',
);
