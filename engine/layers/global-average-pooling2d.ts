import { globalPooling2d } from './global-pooling2d';

export const GlobalAveragePooling2D = globalPooling2d(
  'GlobalAveragePooling2D',
  'Averages each channel over height and width: (H, W, C) → (C).',
  'GlobalAvgPool2D',
);
