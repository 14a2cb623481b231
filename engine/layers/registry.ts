/** Every layer LayerCanvas knows, by Keras class name. Adding a layer: its file, and one line here. */
import { Activation } from './activation';
import { Add } from './add';
import { Average } from './average';
import { AveragePooling1D } from './average-pooling1d';
import { AveragePooling2D } from './average-pooling2d';
import { BatchNormalization } from './batch-normalization';
import { Bidirectional } from './bidirectional';
import { Concatenate } from './concatenate';
import { Conv1D } from './conv1d';
import { Conv2D } from './conv2d';
import { Conv2DTranspose } from './conv2d-transpose';
import { Cropping2D } from './cropping2d';
import { Dense } from './dense';
import { DepthwiseConv2D } from './depthwise-conv2d';
import { Dropout } from './dropout';
import { Embedding } from './embedding';
import { Flatten } from './flatten';
import { GRU } from './gru';
import { GlobalAveragePooling1D } from './global-average-pooling1d';
import { GlobalAveragePooling2D } from './global-average-pooling2d';
import { GlobalMaxPooling1D } from './global-max-pooling1d';
import { GlobalMaxPooling2D } from './global-max-pooling2d';
import { InputLayer } from './input-layer';
import { LayerNormalization } from './layer-normalization';
import { LayerScale } from './layer-scale';
import { LeakyReLU } from './leaky-relu';
import { LSTM } from './lstm';
import { MaxPooling1D } from './max-pooling1d';
import { MaxPooling2D } from './max-pooling2d';
import { Maximum } from './maximum';
import { Multiply } from './multiply';
import { Normalization } from './normalization';
import { Permute } from './permute';
import { ReLU } from './relu';
import { RepeatVector } from './repeat-vector';
import { Rescaling } from './rescaling';
import { Reshape } from './reshape';
import { SeparableConv2D } from './separable-conv2d';
import { Softmax } from './softmax';
import { SpatialDropout2D } from './spatial-dropout2d';
import { Subtract } from './subtract';
import { UpSampling2D } from './up-sampling2d';
import { ZeroPadding2D } from './zero-padding2d';
import type { LayerDefinition, LayerTraits } from './types';

const ALL: LayerDefinition[] = [
  InputLayer,
  Dense,
  Embedding,
  Rescaling,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv2D,
  SeparableConv2D,
  MaxPooling1D,
  AveragePooling1D,
  GlobalAveragePooling1D,
  GlobalMaxPooling1D,
  MaxPooling2D,
  AveragePooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  LSTM,
  GRU,
  Bidirectional,
  BatchNormalization,
  LayerNormalization,
  Normalization,
  LayerScale,
  Dropout,
  SpatialDropout2D,
  Flatten,
  Reshape,
  ZeroPadding2D,
  Cropping2D,
  UpSampling2D,
  RepeatVector,
  Permute,
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Concatenate,
  Activation,
  ReLU,
  LeakyReLU,
  Softmax,
];

const BY_NAME = new Map(ALL.map((d) => [d.className, d]));

export function layerDefinitions(): readonly LayerDefinition[] {
  return ALL;
}

export function getLayer(className: string): LayerDefinition | undefined {
  return BY_NAME.get(className);
}

/** Whether the layer of this class has the trait (false for a class LayerCanvas doesn't know). */
export function hasTrait(className: string, trait: keyof LayerTraits): boolean {
  return BY_NAME.get(className)?.traits?.[trait] === true;
}

/** The model's inputs: the layers that take none (InputLayer). */
export function isInputLayer(className: string): boolean {
  return BY_NAME.get(className)?.arity === 'none';
}

/**
 * Adds a layer at run time, as if its file were listed above; returns the function that removes it. For layers
 * defined outside this folder (a test's throwaway layer); refuses a class name already taken.
 */
export function registerLayer(def: LayerDefinition): () => void {
  if (BY_NAME.has(def.className)) throw new Error(`a layer named ${def.className} is already registered`);
  ALL.push(def);
  BY_NAME.set(def.className, def);
  return () => {
    ALL.splice(ALL.indexOf(def), 1);
    BY_NAME.delete(def.className);
    prefixes.delete(def.className);
  };
}

/** Keras's `to_snake_case`, which makes the automatic layer names: `LeakyReLU` → `leaky_re_lu`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const prefixes = new Map<string, string>();

export function namePrefix(def: LayerDefinition): string {
  let prefix = prefixes.get(def.className);
  if (prefix === undefined) {
    prefix = def.namePrefix ?? toSnakeCase(def.className);
    prefixes.set(def.className, prefix);
  }
  return prefix;
}
