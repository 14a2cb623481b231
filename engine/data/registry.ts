/**
 * The built-in datasets, as the training panel and the CLI (`--dataset mnist|spirals|…`) list them. The
 * generated ones are made here; MNIST reads the `mnist` package's files, which only the Node side can
 * (engine/data/node/load.ts).
 */
import { circles, spirals, xorBlobs } from './generators/points';
import { REVIEW_CLASSES, REVIEW_COUNT, REVIEW_LENGTH, reviews } from './generators/reviews';
import { SHAPE_CLASSES, shapes } from './generators/shapes';
import type { Dataset, DatasetInfo } from './types';

export const BUILTIN_DATASETS: readonly DatasetInfo[] = [
  {
    id: 'mnist',
    title: 'MNIST digits',
    description: '10,000 real handwritten digits (8,000 train / 2,000 test), 28×28 grey, values in [0, 1].',
    sampleShape: [28, 28, 1],
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    count: 8000,
  },
  {
    id: 'shapes',
    title: 'Shapes',
    description: 'Squares, circles, triangles and crosses at random places and sizes, 28×28 grey: a first CNN.',
    sampleShape: [28, 28, 1],
    numClasses: 4,
    classNames: [...SHAPE_CLASSES],
    count: 1000,
  },
  {
    id: 'spirals',
    title: 'Two spirals',
    description: 'Two interleaved spiral arms, 2 features: needs hidden layers to separate.',
    sampleShape: [2],
    numClasses: 2,
    classNames: ['arm 0', 'arm 1'],
    count: 400,
  },
  {
    id: 'circles',
    title: 'Concentric circles',
    description: 'A ring around a smaller ring, 2 features.',
    sampleShape: [2],
    numClasses: 2,
    classNames: ['outer', 'inner'],
    count: 400,
  },
  {
    id: 'xor',
    title: 'XOR blobs',
    description: 'Four blobs where the class is the exclusive or of the signs, 2 features.',
    sampleShape: [2],
    numClasses: 2,
    classNames: ['same sign', 'different sign'],
    count: 400,
  },
  {
    id: 'reviews',
    title: 'Review sentences (text)',
    description: `4,000 short film-review sentences, negative or positive, as ${REVIEW_LENGTH} token ids each (0 pads, 1 is unknown): for Embedding → LSTM.`,
    sampleShape: [REVIEW_LENGTH],
    numClasses: 2,
    classNames: [...REVIEW_CLASSES],
    count: REVIEW_COUNT,
  },
];

/** The built-in datasets' ids: the one list the protocol, the CLI and the editor use. */
export const BUILTIN_IDS = ['mnist', 'shapes', 'spirals', 'circles', 'xor', 'reviews'] as const;
export type BuiltinId = (typeof BUILTIN_IDS)[number];

export function builtinInfo(id: string): DatasetInfo | undefined {
  return BUILTIN_DATASETS.find((d) => d.id === id.trim().toLowerCase());
}

export interface GenerateOptions {
  /** How many samples (default: the registry's count). */
  count?: number;
  seed?: number;
  noise?: number;
  /** Image side for 'shapes'. */
  size?: number;
}

/** A generated built-in (everything but MNIST), or null for an id that isn't one. */
export function generateBuiltin(id: string, options: GenerateOptions = {}): Dataset | null {
  switch (id.trim().toLowerCase()) {
    case 'spirals':
      return spirals(options);
    case 'circles':
      return circles(options);
    case 'xor':
      return xorBlobs(options);
    case 'shapes':
      return shapes(options);
    case 'reviews':
      // A fixed text set, as MNIST is: the training seed must not change the sentences or their vocabulary.
      return reviews({ count: options.count });
    default:
      return null;
  }
}
