import { globalPooling2d } from './global-pooling2d';

export const GlobalMaxPooling2D = globalPooling2d(
  'GlobalMaxPooling2D',
  'Takes the maximum of each channel over height and width: (H, W, C) → (C).',
  'GlobalMaxPool2D',
);
