import { pooling2d } from './pooling2d';

export const MaxPooling2D = pooling2d(
  'MaxPooling2D',
  'Keeps the largest value in each window of every channel, shrinking height and width.',
  'MaxPool2D',
);
