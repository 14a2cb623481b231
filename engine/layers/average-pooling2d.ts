import { pooling2d } from './pooling2d';

export const AveragePooling2D = pooling2d(
  'AveragePooling2D',
  "Averages each window of every channel, shrinking height and width ('same' averages only the real pixels at the border).",
  'AvgPool2D',
);
