/**
 * Starting points offered by the canvas and the CLI: the article's two models, the BN-placement fix, a residual
 * block, a text classifier.
 */
import { REVIEW_LENGTH, reviews } from '../data/generators/reviews';
import type { BuiltinId } from '../data/registry';
import { chainDocument, graphDocument } from './build';
import type { ModelDocument } from './document';

export interface Template {
  id: string;
  title: string;
  description: string;
  /** The built-in dataset the model is shaped for, which the Train tab picks with it. */
  dataset?: BuiltinId;
  /** Training settings the model needs, which the Train tab takes with it (others keep the tab's). */
  training?: { optimizer?: 'adam' | 'sgd' | 'rmsprop'; subset?: number | null; batchSize?: number; epochs?: number };
  build(): ModelDocument;
}

/**
 * The BN lessons' model for MNIST's (28, 28, 1): Conv2D(use_bias=False) → BN → ReLU twice, pooling, Flatten, and a
 * classifier normalized the same way, Dense(10, use_bias=False) → BN → softmax. Normalizing the classifier too makes
 * every layer the learning rate drives scale-invariant: with a plain Dense(10, softmax) head on the 4,608 normalized
 * features, the head's step grows with their squared norm and it is the BN side that fails first at high rates
 * (measured: at SGD 0.3 it ended at chance while the twin trained). momentum=0.9 (Keras's default is 0.99) lets the
 * moving statistics follow the weights within about 29 steps: at 0.99 they lag the training by about 100 steps, and
 * on 339 steps the normalized head's inference-mode accuracy stayed at 18–57%.
 */
const mnistBnCnn = (): Parameters<typeof chainDocument>[0] => [
  { className: 'InputLayer', config: { shape: [28, 28, 1] } },
  { className: 'Conv2D', config: { filters: 32, kernel_size: [3, 3], use_bias: false } },
  { className: 'BatchNormalization', config: { momentum: 0.9 } },
  { className: 'Activation', config: { activation: 'relu' } },
  { className: 'Conv2D', config: { filters: 32, kernel_size: [3, 3], use_bias: false } },
  { className: 'BatchNormalization', config: { momentum: 0.9 } },
  { className: 'Activation', config: { activation: 'relu' } },
  { className: 'MaxPooling2D' },
  { className: 'Flatten' },
  { className: 'Dense', config: { units: 10, use_bias: false } },
  { className: 'BatchNormalization', config: { momentum: 0.9 } },
  { className: 'Activation', config: { activation: 'softmax' } },
];

export const TEMPLATES: readonly Template[] = [
  {
    id: 'blank',
    title: 'Blank',
    description: 'An empty canvas with one Input.',
    build: () => chainDocument([{ className: 'InputLayer', config: { shape: [28, 28, 1] } }]),
  },
  {
    id: 'article-mlp',
    title: 'MLP with BatchNormalization',
    description:
      'The feed-forward network from the BatchNorm article: Dense → BN → Dense → BN → Dense(softmax) on (1, 5) inputs.',
    build: () =>
      chainDocument([
        { className: 'InputLayer', config: { shape: [1, 5] } },
        { className: 'Dense', config: { units: 16, activation: 'relu' } },
        { className: 'BatchNormalization' },
        { className: 'Dense', config: { units: 32, activation: 'relu' } },
        { className: 'BatchNormalization' },
        { className: 'Dense', config: { units: 2, activation: 'softmax' } },
      ]),
  },
  {
    id: 'article-cnn',
    title: 'CNN with BatchNormalization (article)',
    description:
      "The article's CNN exactly as written: Conv2D(relu) → BN twice, MaxPooling2D, Dense(2, softmax) — no Flatten, so Dense acts per pixel.",
    build: () =>
      chainDocument([
        { className: 'InputLayer', config: { shape: [28, 28, 3] } },
        { className: 'Conv2D', config: { filters: 32, kernel_size: [3, 3], activation: 'relu' } },
        { className: 'BatchNormalization' },
        { className: 'Conv2D', config: { filters: 32, kernel_size: [3, 3], activation: 'relu' } },
        { className: 'BatchNormalization' },
        { className: 'MaxPooling2D' },
        { className: 'Dense', config: { units: 2, activation: 'softmax' } },
      ]),
  },
  {
    id: 'cnn-bn-before-activation',
    title: 'CNN, BN between convolution and activation',
    description:
      'Conv2D(use_bias=False) → BN → ReLU twice, pooling, Flatten, and the classifier the same way: Dense(10, use_bias=False) → BN → softmax. The placement the article recommends on every linear layer, ready for MNIST; try With / without BN and the learning-rate sweep.',
    build: () => chainDocument(mnistBnCnn()),
  },
  {
    id: 'residual-block',
    title: 'Residual block',
    description:
      'Conv → BN → ReLU → Conv → BN, added to the shortcut, then ReLU, global pooling and a softmax classifier.',
    build: () =>
      graphDocument(
        [
          { className: 'InputLayer', config: { shape: [32, 32, 16] } },
          { className: 'Conv2D', config: { filters: 16, kernel_size: [3, 3], padding: 'same', use_bias: false } },
          { className: 'BatchNormalization' },
          { className: 'Activation', config: { activation: 'relu' } },
          { className: 'Conv2D', config: { filters: 16, kernel_size: [3, 3], padding: 'same', use_bias: false } },
          { className: 'BatchNormalization' },
          { className: 'Add' },
          { className: 'Activation', config: { activation: 'relu' } },
          { className: 'GlobalAveragePooling2D' },
          { className: 'Dense', config: { units: 10, activation: 'softmax' } },
        ],
        [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
          [5, 6],
          [0, 6],
          [6, 7],
          [7, 8],
          [8, 9],
        ],
        'residual_block',
      ),
  },
  {
    id: 'text-lstm',
    title: 'Text classifier: Embedding → LSTM → Dense',
    description:
      'Token ids of the built-in review sentences → Embedding(vocabulary, 16) → LSTM(32) → Dense(2, softmax): negative or positive.',
    dataset: 'reviews',
    // The tab's defaults (SGD at 0.01, 2,000 samples, 3 epochs) leave this LSTM at chance; Adam learns the set
    // (about 97% after 4 epochs of all 4,000 sentences).
    training: { optimizer: 'adam', subset: null, batchSize: 32, epochs: 4 },
    build: () =>
      chainDocument(
        [
          { className: 'InputLayer', config: { shape: [REVIEW_LENGTH], dtype: 'int32' } },
          // One row per word of the set's vocabulary, padding and [UNK] included.
          { className: 'Embedding', config: { input_dim: reviews({ count: 1 }).vocabulary!.length, output_dim: 16 } },
          { className: 'LSTM', config: { units: 32 } },
          { className: 'Dense', config: { units: 2, activation: 'softmax' } },
        ],
        'text_classifier',
      ),
  },
];

export function getTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
