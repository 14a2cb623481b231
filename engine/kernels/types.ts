import type { Tensor } from '../core/tensor';
import type { ActivationName, ActivationOptions } from './activation-name';
import type { AdamStep, AdamVariable } from './adam-update';
import type { AffineParams } from './affine';
import type { LayerNormGrads, LayerNormSaved } from './layer-norm';
import type { MergeOp } from './merge';
import type {
  GruCellGradInput,
  GruCellGrads,
  GruCellInput,
  GruCellOutput,
  GruSequenceGradInput,
  GruSequenceGrads,
  GruSequenceInput,
  GruSequenceOutput,
} from './gru-cell';
import type {
  LstmCellGradInput,
  LstmCellGrads,
  LstmCellInput,
  LstmCellOutput,
  LstmSequenceGradInput,
  LstmSequenceGrads,
  LstmSequenceInput,
  LstmSequenceOutput,
} from './lstm-cell';

export type {
  AdamStep,
  AdamVariable,
  LayerNormGrads,
  LayerNormSaved,
  MergeOp,
  LstmCellGradInput,
  LstmCellGrads,
  LstmCellInput,
  LstmCellOutput,
};
export type { GruCellGradInput, GruCellGrads, GruCellInput, GruCellOutput };
export type { LstmSequenceGradInput, LstmSequenceGrads, LstmSequenceInput, LstmSequenceOutput };
export type { GruSequenceGradInput, GruSequenceGrads, GruSequenceInput, GruSequenceOutput };

/**
 * The compute kernels the engine trains and runs models with. Tensors are float32, row-major, NHWC, with
 * Keras/TensorFlow semantics. Two implementations share this interface: `reference` (plain TypeScript, written to be
 * obviously right; the tests trust it) and `fast` (WebAssembly SIMD, multi-threaded for large ops).
 * Kernels assume shapes the layer already validated: a mismatch is a programming error and throws a RangeError.
 */
export type Padding = 'valid' | 'same';

export interface ConvParams {
  strides: [number, number];
  padding: Padding;
  dilations: [number, number];
}

export interface PoolParams {
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

export type { ActivationName, ActivationOptions } from './activation-name';

/**
 * The activation a BatchNormalization in training applies to its output in the same pass when the layer after it is
 * that activation alone (a ReLU or Activation('relu'/'relu6') fed by nothing else: Conv → BN → ReLU): the same bits
 * as its own pass, one pass over the tensor fewer each way.
 */
export type BatchNormEpilogue = 'relu' | 'relu6';

/** Activations a linear layer's epilogue fuses, forward and backward (their derivative follows from the output). */
export type EpilogueActivation = 'linear' | 'relu' | 'relu6';

/** Bias (null: none) and activation a convolution applies to its result before it stores it. */
export interface ConvEpilogue {
  bias: Float32Array | null;
  activation: EpilogueActivation;
}

/** What batch-norm training forward keeps for the backward pass, plus the batch statistics for the moving averages. */
export interface BatchNormSaved {
  /** Per-channel batch mean. */
  mean: Float32Array;
  /** Per-channel biased batch variance (divided by N), as Keras uses for the moving variance. */
  variance: Float32Array;
  /** 1 / sqrt(variance + epsilon). */
  invStd: Float32Array;
  axis: number;
}

export interface BatchNormGrads {
  dx: Tensor;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

/** Backend.crossEntropyFromLogits's answer. */
export interface CrossEntropyFromLogits {
  rowLosses: Float64Array;
  grad: Tensor;
}

export interface SoftmaxCrossEntropyResult {
  /** Mean over rows of −Σ labels · log softmax(logits). */
  loss: number;
  /** Loss of each row (every axis but the last). */
  perRow: Float32Array;
  probs: Tensor;
}

export interface Backend {
  readonly name: 'reference' | 'fast';

  /** a (m×k, or k×m when transposeA) · b (k×n, or n×k when transposeB). */
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;

  /**
   * x [n,h,w,cin] ⊛ filter [kh,kw,cin,cout] → [n,oh,ow,cout]; with an epilogue, its bias and activation applied as
   * biasActivation would (one pass fewer where the kernel fuses them).
   */
  conv2d(x: Tensor, filter: Tensor, p: ConvParams, epilogue?: ConvEpilogue): Tensor;
  conv2dBackpropInput(dy: Tensor, filter: Tensor, xShape: readonly number[], p: ConvParams): Tensor;
  conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: readonly number[], p: ConvParams): Tensor;

  /** x [n,h,w,cin] with filter [kh,kw,cin,m] → [n,oh,ow,cin·m]; output channel c·m + j uses filter[..,c,j]. */
  depthwiseConv2d(x: Tensor, filter: Tensor, p: ConvParams): Tensor;
  depthwiseConv2dBackpropInput(dy: Tensor, filter: Tensor, xShape: readonly number[], p: ConvParams): Tensor;
  depthwiseConv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: readonly number[], p: ConvParams): Tensor;

  maxPool(x: Tensor, p: PoolParams): Tensor;
  /** Routes each dy to the first maximum of its window, as TensorFlow does. */
  maxPoolGrad(dy: Tensor, x: Tensor, p: PoolParams): Tensor;
  /** 'same' averages only the real (unpadded) elements of each window. */
  avgPool(x: Tensor, p: PoolParams): Tensor;
  avgPoolGrad(dy: Tensor, xShape: readonly number[], p: PoolParams): Tensor;

  /** [n,h,w,c] → [n,c]. */
  globalAvgPool(x: Tensor): Tensor;
  globalAvgPoolGrad(dy: Tensor, xShape: readonly number[]): Tensor;
  globalMaxPool(x: Tensor): Tensor;
  globalMaxPoolGrad(dy: Tensor, x: Tensor): Tensor;

  /**
   * gamma/beta null mean scale=False / center=False. `axis` is the channel axis (negative from the end); default -1.
   * `activation`: the relu or relu6 after the BN applied to y in the same pass (BatchNormEpilogue).
   */
  batchNormTrain(
    x: Tensor,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    epsilon: number,
    axis?: number,
    activation?: BatchNormEpilogue,
  ): { y: Tensor; saved: BatchNormSaved };
  batchNormInfer(
    x: Tensor,
    movingMean: Float32Array,
    movingVariance: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    epsilon: number,
    axis?: number,
  ): Tensor;
  /** With `epilogue`, dy is the gradient of the activation's output y, taken back through it first. */
  batchNormBackward(
    dy: Tensor,
    x: Tensor,
    gamma: Float32Array | null,
    saved: BatchNormSaved,
    epilogue?: { activation: BatchNormEpilogue; y: Tensor },
  ): BatchNormGrads;

  activation(x: Tensor, name: ActivationName, options?: ActivationOptions): Tensor;
  /** dL/dx from dL/dy; y is the forward output (softmax and sigmoid use it). */
  activationGrad(dy: Tensor, x: Tensor, y: Tensor, name: ActivationName, options?: ActivationOptions): Tensor;

  /** Softmax over the last axis fused with categorical cross-entropy against labels of the same shape. */
  /**
   * Keras's categorical cross-entropy from logits (softmax over the last axis) as engine/train/losses.ts computes it:
   * each row's loss (f64) and the gradient with respect to the logits, (p · Σt − t) / rows. Labels: one class per
   * row (sparse, Int32Array) or rows × k. Null: no fast path for these operands (the caller computes it).
   */
  crossEntropyFromLogits?(
    logits: Tensor,
    labels: Int32Array | Float32Array,
    sparse: boolean,
  ): CrossEntropyFromLogits | null;
  softmaxCrossEntropy(logits: Tensor, labels: Tensor): SoftmaxCrossEntropyResult;
  /** Gradient of the mean loss with respect to the logits. */
  softmaxCrossEntropyGrad(probs: Tensor, labels: Tensor): Tensor;

  /** Inverted dropout: kept values scaled by 1/(1−rate); the same seed gives the same mask. */
  dropout(x: Tensor, rate: number, seed: number): { y: Tensor; mask: Float32Array };
  dropoutGrad(dy: Tensor, mask: Float32Array): Tensor;

  /** pads = [[top, bottom], [left, right]] on an NHWC tensor. */
  zeroPad2d(x: Tensor, pads: [[number, number], [number, number]]): Tensor;
  zeroPad2dGrad(dy: Tensor, pads: [[number, number], [number, number]]): Tensor;

  /** Elementwise sum with broadcasting of size-1 axes (shapes aligned at the right). */
  add(a: Tensor, b: Tensor): Tensor;
  /** dy summed back onto each operand's shape. */
  addGrad(dy: Tensor, aShape: readonly number[], bShape: readonly number[]): [Tensor, Tensor];

  /** Subtract, Multiply, Average, Maximum or Minimum of two tensors of one shape (engine/kernels/merge.ts). */
  merge(op: MergeOp, a: Tensor, b: Tensor): Tensor;
  mergeGrad(op: MergeOp, dy: Tensor, a: Tensor, b: Tensor): [Tensor, Tensor];
  /** x [batch, …, channels] times s [batch, channels] per image and channel (a squeeze-and-excitation gate). */
  scaleChannels(x: Tensor, s: Tensor): Tensor;
  /** [dx, ds] of scaleChannels. */
  scaleChannelsGrad(dy: Tensor, x: Tensor, s: Tensor): [Tensor, Tensor];

  /** LayerNormalization over the last axis (engine/kernels/layer-norm.ts), and its gradient. */
  layerNorm(
    x: Tensor,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    epsilon: number,
    rms: boolean,
  ): { y: Tensor; saved: LayerNormSaved };
  layerNormGrad(dy: Tensor, gamma: Float32Array | null, saved: LayerNormSaved, rms: boolean): LayerNormGrads;

  /** UpSampling2D 'nearest' on NHWC by [sh, sw], and its gradient (engine/kernels/up-sample.ts). */
  upSampleNearest(x: Tensor, size: readonly [number, number]): Tensor;
  upSampleNearestGrad(dy: Tensor, size: readonly [number, number]): Tensor;
  /** UpSampling2D 'bilinear' (TF's half-pixel centres) by [sh, sw], and its gradient for x of shape xShape. */
  upSampleBilinear(x: Tensor, size: readonly [number, number]): Tensor;
  upSampleBilinearGrad(dy: Tensor, xShape: readonly number[], size: readonly [number, number]): Tensor;

  concat(xs: readonly Tensor[], axis: number): Tensor;
  concatGrad(dy: Tensor, shapes: readonly (readonly number[])[], axis: number): Tensor[];

  /** bias along the last axis. */
  biasAdd(x: Tensor, bias: Float32Array): Tensor;
  /** Softmax along a 0-based axis (Keras's Softmax layer), and its gradient from the output y. */
  softmaxAxis(x: Tensor, axis: number): Tensor;
  softmaxAxisGrad(dy: Tensor, y: Tensor, axis: number): Tensor;
  /** Embedding: row trunc(id) of the (vocab, dim) table per id; the table's gradient sums dy rows by id. */
  embedding(ids: Tensor, table: Tensor): Tensor;
  embeddingGrad(dy: Tensor, ids: Tensor, tableShape: readonly number[]): Tensor;
  /** Permute: y's axis k is x's axis axes[k] (over every axis, the batch's included). */
  transpose(x: Tensor, axes: readonly number[]): Tensor;
  /** x (batch, steps, …) with each sample's steps in reverse order (go_backwards, Bidirectional). */
  reverseSteps(x: Tensor): Tensor;
  /** RepeatVector: x (batch, features) → (batch, n, features); the gradient sums each sample's n rows. */
  repeatVector(x: Tensor, n: number): Tensor;
  repeatVectorGrad(dy: Tensor): Tensor;
  /** (x − center) · scale + shift (or ÷ scale) per channel of the last axis: Rescaling, Normalization, LayerScale. */
  affine(x: Tensor, p: AffineParams): Tensor;
  biasAddGrad(dy: Tensor): Float32Array;

  /** f(x + bias) in one pass (bias null: f(x)): the epilogue of Dense and Conv2D. */
  biasActivation(x: Tensor, bias: Float32Array | null, name: ActivationName, options?: ActivationOptions): Tensor;
  /** dL/dz for y = f(z), from dL/dy and y only, with the bias gradient (null without bias) in the same pass. */
  biasActivationGrad(
    dy: Tensor,
    y: Tensor,
    name: EpilogueActivation,
    withBias: boolean,
  ): { dz: Tensor; dBias: Float32Array | null };

  /**
   * One LSTM step's elementwise part (sigmoid gates and tanh, or the layer's other activations): gates, cell state
   * and h from z's parts.
   */
  lstmCell(p: LstmCellInput): LstmCellOutput;
  /** Backpropagation through that step: the gradient of z and of the previous cell state. */
  lstmCellGrad(p: LstmCellGradInput): LstmCellGrads;
  /** One GRU step's (reset_after) elementwise part, as lstmCell's: gates, candidate and h. */
  gruCell(p: GruCellInput): GruCellOutput;
  /** Backpropagation through that step: the gradients of both matrix products' outputs, and of h. */
  gruCellGrad(p: GruCellGradInput): GruCellGrads;
  /**
   * A whole LSTM sequence: per step h·recurrent_kernel (gate by gate with recurrent_dropout's masks), then lstmCell's
   * step (the fast backend: one wasm call, no host round trip per step), and what its backpropagation needs.
   */
  lstmSequence(p: LstmSequenceInput): LstmSequenceOutput;
  /** Backpropagation through it: every step's dz, the recurrent kernel's and bias's gradients, the initial states'. */
  lstmSequenceGrad(p: LstmSequenceGradInput): LstmSequenceGrads;
  /** A whole GRU sequence (reset_after), as lstmSequence. */
  gruSequence(p: GruSequenceInput): GruSequenceOutput;
  /** Backpropagation through it: every step's dx, the recurrent kernel's and bias's gradients, the initial h's. */
  gruSequenceGrad(p: GruSequenceGradInput): GruSequenceGrads;

  /**
   * Keras's Adam step over one variable, updating value in place, and its slots m and v: in place, or (the fast
   * backend, once a step scope has passed them) in the backend's own memory, where m and v are then only the keys of
   * the slots: pass the same two arrays at every step and don't read them.
   */
  adamUpdate(value: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, p: AdamStep): void;
  /** adamUpdate over every variable of one optimizer step, in one call (the fast backend: one threaded wasm call). */
  adamUpdateMany(variables: readonly AdamVariable[], p: AdamStep): void;

  /**
   * Runs one training step's kernels with their results kept where the kernels work (the fast backend's wasm
   * memory): nothing is copied between kernels, and nothing returned inside may be used after fn returns.
   */
  stepScope?<T>(fn: () => T): T;
}

export type BackendName = 'reference' | 'fast';

/** Which kernels an engine runs, for the status bar (its own file would pull Node into the page). */
export interface KernelsReport {
  kernels: BackendName;
  /** The WebAssembly flavour of the fast kernels: `relaxed` (fused multiply-add) or `plain` SIMD; null for reference. */
  simd: 'relaxed' | 'plain' | null;
  /** Threads large ops run on, the caller's included. */
  threads: number;
  /** One line: "WASM relaxed SIMD · 2 threads", or "reference kernels (slow)". */
  label: string;
  /**
   * When the fast kernels aren't running: the whole message ("running on the slow reference kernels: …"), its
   * reason alone ("the fast WebAssembly kernels could not be loaded (…)"), and how to get them.
   */
  warning?: { message: string; reason: string; hint: string };
}
