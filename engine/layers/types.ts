import type { LayerIssue } from '../core/problems';
import type { Shape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import type { Backend, BatchNormEpilogue } from '../kernels/types';

/** A config value as Keras's `get_config()` holds it once serialized to JSON. */
export type ConfigValue = number | string | boolean | null | readonly ConfigValue[];
export type LayerConfig = Record<string, ConfigValue>;

/**
 * The palette groups, as the Keras layer API documentation groups its layers.
 * The order here is the palette's order.
 */
export const PALETTE_GROUPS = [
  'Input',
  'Core',
  'Convolution',
  'Pooling',
  'Recurrent',
  'Normalization',
  'Regularization',
  'Reshaping',
  'Merge',
  'Activation',
] as const;
export type PaletteGroup = (typeof PALETTE_GROUPS)[number];

interface FieldBase {
  /** One line for the inspector's tooltip. */
  doc: string;
  /**
   * A required argument has no Keras default: it is always written out (positionally, in Keras's order), and
   * `default` is only the value a freshly dropped node starts with.
   */
  required?: boolean;
  /** Shown in the inspector's "advanced" section rather than at the top. */
  advanced?: boolean;
}

/** `null` is allowed as a value wherever `nullable` is set (Python's None). */
export type FieldSpec =
  | (FieldBase & { type: 'int'; default: number | null; min?: number; max?: number; nullable?: boolean })
  | (FieldBase & {
      type: 'float';
      default: number | null;
      min?: number;
      max?: number;
      /** min itself is not allowed (e.g. epsilon > 0). */
      exclusiveMin?: boolean;
      /** max itself is not allowed (e.g. Dropout rate < 1). */
      exclusiveMax?: boolean;
      nullable?: boolean;
    })
  | (FieldBase & { type: 'bool'; default: boolean })
  | (FieldBase & {
      type: 'enum';
      options: readonly string[];
      default: string | null;
      nullable?: boolean;
      /** Values beyond the options it also holds (an initializer field's VarianceScaling(…) text). */
      accepts?: (value: string) => boolean;
      /** A regularizer or constraint field: its values are core/weight-rules.ts's texts, edited class and arguments. */
      rule?: 'regularizer' | 'constraint';
    })
  /** A fixed-length tuple of ints; Keras also accepts one int for all axes (`kernel_size=3`). */
  | (FieldBase & { type: 'ints'; length: number; default: readonly number[] | null; min?: number; nullable?: boolean })
  /** A tensor shape without the batch axis: any length; `-1` allowed once where `allowInferred` is set. */
  | (FieldBase & {
      type: 'shape';
      default: readonly (number | null)[] | null;
      allowNone?: boolean;
      allowInferred?: boolean;
      nullable?: boolean;
    })
  /** Numbers given per channel, or one for all of them (Normalization's mean); None when not given. */
  | (FieldBase & { type: 'floats'; default: null; nullable: true })
  /** ZeroPadding2D / Cropping2D amounts: int, (h, w) or ((top, bottom), (left, right)); stored in the last form. */
  | (FieldBase & { type: 'pairs2d'; default: readonly (readonly number[])[] });

export type FieldType = FieldSpec['type'];

/** A weight as Keras creates it in `build()`: name, shape, whether training updates it, and its initializer. */
export interface WeightSpec {
  name: string;
  shape: number[];
  trainable: boolean;
  /** The config key holding its initializer, e.g. `kernel_initializer`; the value is read from the config. */
  initializer: string;
  /** Starts at this constant instead (LayerScale's init_values, Normalization's variance of 1). */
  constant?: number;
  /** Flat positions [from, to) that start at 1 whatever the initializer (LSTM's unit_forget_bias: the forget gate). */
  ones?: readonly [number, number];
}

/** What a layer computes from its config and the shapes it is fed; never throws. */
export type OutputShapeResult = Shape | LayerIssue;

export function isIssue(r: OutputShapeResult): r is LayerIssue {
  return !Array.isArray(r);
}

/**
 * How Keras spells a layer: its constructor and its `get_config()`. The formats read this, and keep no table of
 * their own (checked against keras/src/layers/…).
 */
export interface KerasSignature {
  /**
   * `__init__`'s arguments in Keras 3's positional order: the fields, and the arguments LayerCanvas doesn't model,
   * which are accepted only at a neutral value (NEUTRAL_ARGS in keras-args.ts).
   */
  args: readonly string[];
  /** `get_config()`'s keys after name, trainable and dtype, where their order differs from `args`. */
  config?: readonly string[];
  /** Other class names Keras exports for the layer (`Convolution2D`). */
  aliases?: readonly string[];
  /** Keras's functional helper that builds the layer and calls it: `layers.add([a, b])`. */
  functional?: string;
  /**
   * The Python module of a layer Keras doesn't export from keras.layers (LayerScale: keras.src.applications.convnext);
   * Keras 3 files name it, with the class as registered_name.
   */
  module?: string;
  /** Older spellings (tf.keras 2, TF.js) of a field: `{ alpha: 'negative_slope' }`. tf.keras output uses them. */
  renamed?: Readonly<Record<string, string>>;
  /** The Keras class has no `build()` (it makes no weights): Keras 3 writes no `build_config` for it. */
  noBuild?: boolean;
  /** Keras 3 keeps `axis` as a list once built (`[-1]`), as to_json() writes it (LayerNormalization). */
  axisAsList?: boolean;
  /**
   * Keras 3 keeps the layer's variables in this sub-object (LSTM, GRU: their `cell`): a .keras file holds them at
   * `layers/<slot>/<weightsIn>/vars`, and the layer's own `vars` is empty. A list splits the weights evenly among
   * those sub-objects in order (Bidirectional: `forward_layer/cell`, then `backward_layer/cell`).
   */
  weightsIn?: string | readonly string[];
  /**
   * A wrapper of another layer (Bidirectional): the `field` names the wrapped layer's class, one of `classes`, and
   * the fields the signature doesn't list are that layer's config, which Keras nests under the `field` key.
   */
  wraps?: { field: string; classes: readonly string[] };
  /** The keyword arguments Keras 3 records in a functional call of the layer (`{ mask: null }`), default none. */
  callKwargs?: Readonly<Record<string, ConfigValue>>;
}

/** What the rest of the app asks about a layer, instead of listing class names. */
export interface LayerTraits {
  /** A linear map with a `use_bias` field (Dense, the convolutions): a BatchNormalization after it cancels the bias. */
  linearWithBias?: boolean;
  /** Its output on an image is a stack of feature maps worth showing as pictures. */
  featureMaps?: boolean;
  /** Keeps the last axis as it is: the units a model scores with are set by a Dense before it. */
  keepsUnits?: boolean;
  /** Normalizes with the batch's statistics and keeps moving averages of them (BatchNormalization). */
  batchStatistics?: boolean;
  /** Keras computes with set weights only after `finalize_state()` (Normalization's adapted mean and variance). */
  finalizesState?: boolean;
  /**
   * Maps the last axis to `units` and nothing else (Dense): the layer that sets a classifier's output width, and
   * one that, fed an image, works at every pixel separately.
   */
  unitsOnLastAxis?: boolean;
}

/** What TF.js Layers 4.22 lacks of a layer, for the TF.js export's warnings. */
export interface TfjsGaps {
  /** TF.js has no class for the layer: what to use instead. */
  missing?: string;
  /** Fields TF.js's class lacks: a value other than the default is lost; the hint says what to use instead. */
  lacks?: { fields: readonly string[]; hint: string };
  /** TF.js has the class but refuses the form LayerCanvas computes (GRU's reset_after=True): why, and what to use. */
  refuses?: { why: string; hint: string };
}

/**
 * The key under which the executor hands a layer the activation it is to run as its epilogue (acceptsEpilogue). A
 * symbol, not a string: no document, file or import can carry it, so a config key named "epilogue" in a file is just
 * an unknown key, never an instruction.
 */
export const EPILOGUE: unique symbol = Symbol('epilogue');

/**
 * Everything about one Keras layer. One file per layer declares one of these; the registry lists them.
 * The canvas, the inspector, inference, the formats and the engine all read it; nothing else knows a layer.
 */
export interface LayerDefinition {
  /** Keras class name, e.g. `Conv2D`. */
  className: string;
  group: PaletteGroup;
  /** One line for the palette tooltip. */
  description: string;
  /** A few sentences more, for the inspector. */
  details?: string;
  /** Config fields in Keras's constructor order (required ones first), with Keras's defaults. */
  fields: Readonly<Record<string, FieldSpec>>;
  /** `none`: an input; `one`: exactly one input tensor; `many`: two or more (merge layers). */
  arity: 'none' | 'one' | 'many';
  /**
   * An RNN's initial_state: how many state tensors (LSTM: h and c; GRU: h) may follow its one input, as Keras's
   * `layer(x, initial_state=[h, c])` gives them; they are its inputs 1, 2 … and its outputShape checks their shapes.
   */
  stateInputs?: number;
  /** A merge that takes exactly this many inputs (Subtract: 2); its outputShape refuses any other count. */
  exactInputs?: number;
  keras: KerasSignature;
  traits?: LayerTraits;
  tfjs?: TfjsGaps;
  /** What the palette and the canvas call it, when not its class name (InputLayer: `Input`). */
  label?: string;
  /**
   * For a layer that applies an activation function and nothing else (Activation, ReLU, Softmax): its Keras name,
   * or null when it is linear. Advice and the fused softmax-cross-entropy read it.
   */
  activationOf?(config: LayerConfig): string | null;
  /**
   * For a layer that is exactly relu or relu6 of its one input (ReLU without slope, threshold or another cap;
   * Activation('relu' / 'relu6')): which, so that the layer before it, when it accepts an epilogue, runs it in its
   * own pass (engine/train/executor.ts). null otherwise.
   */
  epilogue?(config: LayerConfig): BatchNormEpilogue | null;
  /**
   * Whether the layer, with this config in this mode, applies an epilogue activation to its output itself when the
   * executor passes one as `config[EPILOGUE]` (BatchNormalization with batch statistics), and takes its gradient back.
   */
  acceptsEpilogue?(config: LayerConfig, training: boolean): boolean;
  /** The prefix of Keras's automatic names (`conv2d`, `batch_normalization`); defaults to snake_case of the class. */
  namePrefix?: string;
  /** Keras's constructor takes no `trainable` argument (SpatialDropout2D): the common field is left out. */
  noTrainableArgument?: boolean;
  /** Keras-equivalent rewriting of a config after import (e.g. pooling `strides` equal to `pool_size` → None). */
  normalize?(config: LayerConfig): LayerConfig;
  /** Checks across fields that the field specs alone can't express. Field types and ranges are checked for you. */
  validate?(config: LayerConfig): LayerIssue[];
  /** Output shape for the given input shapes (already checked for count), or the issue that prevents one. */
  outputShape(config: LayerConfig, inputs: readonly Shape[]): OutputShapeResult;
  /**
   * The shapes of the outputs after the first, for a layer that has several (LSTM with return_state: h and c), given
   * a valid input; Keras indexes them 1, 2 …
   */
  extraOutputs?(config: LayerConfig, inputs: readonly Shape[]): Shape[];
  /** Weights in Keras's order (e.g. gamma, beta, moving_mean, moving_variance), for a valid input. */
  weights?(config: LayerConfig, inputs: readonly Shape[]): WeightSpec[];
  /** The few arguments worth printing on a canvas node, e.g. `32 · (3, 3) · relu`. */
  keyArgs?(config: LayerConfig): string;
  /**
   * Computes the output from the inputs (batch axis first) and the weights by name. Absent for InputLayer, which
   * the executor feeds. Keeps in `saved` whatever `backward` needs.
   */
  forward?(ctx: RunContext, config: LayerConfig, inputs: Tensor[], weights: WeightMap): ForwardResult;
  /**
   * Gradients of the loss with respect to each input and each trainable weight, from the gradient of the output
   * (zeros when only other outputs are used) and, for a layer with extraOutputs, those of the others (undefined
   * where nothing uses one).
   */
  backward?(
    ctx: RunContext,
    config: LayerConfig,
    dy: Tensor,
    cache: ForwardCache,
    dExtra?: readonly (Tensor | undefined)[],
  ): BackwardResult;
}

export type WeightMap = Readonly<Record<string, Tensor>>;

/** What a run of the model gives every layer: the kernels, the mode, and seeds for random layers. */
export interface RunContext {
  backend: Backend;
  /** Training mode: BatchNormalization uses batch statistics, Dropout drops. */
  training: boolean;
  /** A new seed on every call, from the run's seed, so a run is reproducible. */
  nextSeed(): number;
}

export interface ForwardResult {
  output: Tensor;
  /** The outputs after the first, for a layer with extraOutputs. */
  extraOutputs?: Tensor[];
  saved?: unknown;
  /** New values of non-trainable weights (BatchNormalization's moving statistics) to apply after the step. */
  updates?: Record<string, Float32Array>;
}

/** Everything a layer's backward may need from its forward. */
export interface ForwardCache {
  inputs: Tensor[];
  weights: WeightMap;
  output: Tensor;
  saved?: unknown;
  /** False when no gradient flows past this layer's inputs (they are the model's inputs): backward may skip dx. */
  inputGradsNeeded?: boolean;
}

export interface BackwardResult {
  /** One gradient per input, in order. */
  inputs: Tensor[];
  /** Gradients of the trainable weights by name. */
  weights?: Record<string, Float32Array>;
}
