import { referenceBackend } from '../reference';
import type { Backend } from '../types';
import { type CopyMeter, WasmMemoryLimitError } from './arena';
import { fastActivation, fastActivationGrad } from './activation';
import { fastGruCell, fastGruCellGrad } from './gru-cell';
import { fastLstmCell, fastLstmCellGrad } from './lstm-cell';
import { fastGruSequence, fastGruSequenceGrad, fastLstmSequence, fastLstmSequenceGrad } from './recurrent-sequence';
import { adoptAdamSlots, fastAdamUpdate, fastAdamUpdateMany } from './adam-update';
import { fastAffine } from './affine';
import { fastSoftmaxAxis, fastSoftmaxAxisGrad } from './softmax-axis';
import { fastTranspose } from './transpose';
import { fastReverseSteps } from './reverse-steps';
import { fastRepeatVector, fastRepeatVectorGrad } from './repeat-vector';
import { fastEmbedding, fastEmbeddingGrad } from './embedding';
import { fastAvgPool, fastAvgPoolGrad } from './avg-pool';
import { fastBiasActivation, fastBiasActivationGrad, fastBiasAdd, fastBiasAddGrad } from './bias-add';
import { fastBatchNormBackward, fastBatchNormInfer, fastBatchNormTrain } from './batch-norm';
import { fastConv2d } from './conv2d';
import { fastConv2dBackpropFilter } from './conv2d-backprop-filter';
import { fastConv2dBackpropInput } from './conv2d-backprop-input';
import {
  fastDepthwiseConv2d,
  fastDepthwiseConv2dBackpropFilter,
  fastDepthwiseConv2dBackpropInput,
} from './depthwise-conv2d';
import { fastMatMul } from './matmul';
import { fastCrossEntropyFromLogits } from './softmax-cross-entropy';
import { fastMaxPool, fastMaxPoolGrad } from './max-pool';
import { fastGlobalAvgPool, fastGlobalAvgPoolGrad, fastGlobalMaxPool, fastGlobalMaxPoolGrad } from './global-pool';
import {
  fastUpSampleBilinear,
  fastUpSampleBilinearGrad,
  fastUpSampleNearest,
  fastUpSampleNearestGrad,
} from './up-sample';
import { fastLayerNorm, fastLayerNormGrad } from './layer-norm';
import { fastZeroPad2d, fastZeroPad2dGrad } from './zero-pad2d';
import {
  fastAdd,
  fastAddGrad,
  fastConcat,
  fastConcatGrad,
  fastDropout,
  fastDropoutGrad,
  fastMerge,
  fastMergeGrad,
  fastScaleChannels,
  fastScaleChannelsGrad,
} from './add';
import { createRuntime, type WasmBinaries } from './runtime';
import type { PoolStats, WorkerConstructor } from './thread-pool';

export interface FastBackend extends Backend {
  readonly relaxedSimd: boolean;
  /** Threads used for large ops, the caller's included (in a partition study, the studied count). */
  readonly threads: number;
  /** A partition study's thread count (FastBackendOptions.studyThreads), or 0. */
  readonly studyThreads: number;
  /** Worker threads running now (they start on the first large op). */
  readonly liveWorkers: number;
  /** Copies across the wasm boundary, counted while a profiler enables it. */
  readonly meter: CopyMeter;
  /** Tasks offered to workers, and how many a worker took (the caller did the rest itself). */
  readonly poolStats: PoolStats;
  /** Whether the workers now spin through the gaps of a step (inside stepScope, with a core to spare). */
  readonly hot: boolean;
  /** Bytes of wasm memory held between steps: Adam's slots once a step has used them (fast/adam-update.ts). */
  readonly pinnedBytes: number;
  stepScope<T>(fn: () => T): T;
  /** Stops the worker threads (resolves when they have exited); the backend still works afterwards, on one thread. */
  dispose(): Promise<void>;
}

export interface FastBackendOptions {
  binaries: WasmBinaries;
  /** Default: every core the runtime reports. */
  threads?: number;
  /** node:worker_threads' Worker; without it everything runs on the calling thread. */
  Worker?: WorkerConstructor | null;
  /** See RuntimeOptions.memoryLimitMiB. */
  memoryLimitMiB?: number;
  /** See RuntimeOptions.loadAverage. */
  loadAverage?: (() => number) | null;
  /** See RuntimeOptions.studyThreads: no workers; each op's shares run one after another here, timed. */
  studyThreads?: number;
}

/** The wasm kernel, or the reference one when the op is too large for the wasm memory (1 GiB). */
function orReference<A extends unknown[], R>(fast: (...args: A) => R, reference: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return fast(...args);
    } catch (e) {
      if (e instanceof WasmMemoryLimitError) return reference(...args);
      throw e;
    }
  };
}

/**
 * WebAssembly SIMD where it pays: GEMM and the three Conv2D passes (multi-threaded above 4 MFLOP; for 3×3 stride-1
 * filters the forward and input-gradient passes by Winograd), depthwise convolution (any depth multiplier), batch and
 * layer normalization, every activation (softmax and log_softmax too) and their gradients, pooling (max, average,
 * global), the merge layers, dropout, concatenation, up-sampling, padding and cropping, the affine pass of Rescaling /
 * Normalization / LayerScale, Permute, RepeatVector, an LSTM or GRU layer's loop over time (one call per pass, with
 * any pointwise activation and recurrent_dropout) and its step reversal, and the Adam update of every variable in
 * one call: each threaded where its size pays for waking the pool, each the same bits on any thread count. In a step
 * scope results stay in wasm memory and go from kernel to kernel without copies. Below each kernel's size threshold,
 * and for what is left (softmax cross-entropy without logits), the reference TypeScript.
 */
export async function createFastBackend(options: FastBackendOptions): Promise<FastBackend> {
  const rt = await createRuntime(options.binaries, {
    threads: options.Worker ? Math.max(1, options.threads ?? 1) : 1,
    Worker: options.Worker ?? null,
    memoryLimitMiB: options.memoryLimitMiB,
    loadAverage: options.loadAverage,
    studyThreads: options.studyThreads,
  });
  const threads = rt.pool.size;
  // Nested step scopes: the workers run hot from the outermost one's start to its end.
  let hotDepth = 0;
  return {
    ...referenceBackend,
    name: 'fast',
    get hot() {
      return rt.pool.hot;
    },
    get liveWorkers() {
      return rt.pool.liveWorkers;
    },
    get pinnedBytes() {
      return rt.arena.pinnedBytes;
    },
    relaxedSimd: rt.relaxedSimd,
    threads,
    studyThreads: rt.studyThreads,
    meter: rt.arena.meter,
    poolStats: rt.pool.stats,
    matMul: orReference((a, b, ta, tb) => fastMatMul(rt, a, b, ta, tb), referenceBackend.matMul),
    conv2d: orReference((x, f, p, e) => fastConv2d(rt, x, f, p, e), referenceBackend.conv2d),
    conv2dBackpropInput: orReference(
      (dy, f, xShape, p) => fastConv2dBackpropInput(rt, dy, f, xShape, p),
      referenceBackend.conv2dBackpropInput,
    ),
    conv2dBackpropFilter: orReference(
      (x, dy, fShape, p) => fastConv2dBackpropFilter(rt, x, dy, fShape, p),
      referenceBackend.conv2dBackpropFilter,
    ),
    batchNormTrain: orReference(
      (x, g, b, eps, axis, act) => fastBatchNormTrain(rt, x, g, b, eps, axis, act),
      referenceBackend.batchNormTrain,
    ),
    batchNormInfer: orReference(
      (x, m, v, g, b, eps, axis) => fastBatchNormInfer(rt, x, m, v, g, b, eps, axis),
      referenceBackend.batchNormInfer,
    ),
    batchNormBackward: orReference(
      (dy, x, g, saved, epilogue) => fastBatchNormBackward(rt, dy, x, g, saved, epilogue),
      referenceBackend.batchNormBackward,
    ),
    biasAdd: orReference((x, bias) => fastBiasAdd(rt, x, bias), referenceBackend.biasAdd),
    biasAddGrad: orReference((dy) => fastBiasAddGrad(rt, dy), referenceBackend.biasAddGrad),
    biasActivation: orReference(
      (x, bias, name, o) => fastBiasActivation(rt, x, bias, name, o),
      referenceBackend.biasActivation,
    ),
    biasActivationGrad: orReference(
      (dy, y, name, withBias) => fastBiasActivationGrad(rt, dy, y, name, withBias),
      referenceBackend.biasActivationGrad,
    ),
    activation: orReference((x, name, o) => fastActivation(rt, x, name, o), referenceBackend.activation),
    activationGrad: orReference(
      (dy, x, y, name, o) => fastActivationGrad(rt, dy, x, y, name, o),
      referenceBackend.activationGrad,
    ),
    maxPool: orReference((x, p) => fastMaxPool(rt, x, p), referenceBackend.maxPool),
    globalAvgPool: orReference((x) => fastGlobalAvgPool(rt, x), referenceBackend.globalAvgPool),
    globalAvgPoolGrad: orReference(
      (dy, xShape) => fastGlobalAvgPoolGrad(rt, dy, xShape),
      referenceBackend.globalAvgPoolGrad,
    ),
    globalMaxPool: orReference((x) => fastGlobalMaxPool(rt, x), referenceBackend.globalMaxPool),
    globalMaxPoolGrad: orReference((dy, x) => fastGlobalMaxPoolGrad(rt, dy, x), referenceBackend.globalMaxPoolGrad),
    maxPoolGrad: orReference((dy, x, p) => fastMaxPoolGrad(rt, dy, x, p), referenceBackend.maxPoolGrad),
    lstmCell: orReference((p) => fastLstmCell(rt, p), referenceBackend.lstmCell),
    lstmCellGrad: orReference((p) => fastLstmCellGrad(rt, p), referenceBackend.lstmCellGrad),
    gruCell: orReference((p) => fastGruCell(rt, p), referenceBackend.gruCell),
    gruCellGrad: orReference((p) => fastGruCellGrad(rt, p), referenceBackend.gruCellGrad),
    lstmSequence: (p) => fastLstmSequence(rt, p),
    lstmSequenceGrad: (p) => fastLstmSequenceGrad(rt, p),
    gruSequence: (p) => fastGruSequence(rt, p),
    gruSequenceGrad: (p) => fastGruSequenceGrad(rt, p),
    crossEntropyFromLogits: (logits, labels, sparse) => {
      try {
        return fastCrossEntropyFromLogits(rt, logits, labels, sparse);
      } catch (e) {
        if (e instanceof WasmMemoryLimitError) return null;
        throw e;
      }
    },
    adamUpdate: orReference((w, g, m, v, p) => fastAdamUpdate(rt, w, g, m, v, p), referenceBackend.adamUpdate),
    adamUpdateMany: orReference((vars, p) => fastAdamUpdateMany(rt, vars, p), referenceBackend.adamUpdateMany),
    depthwiseConv2d: orReference((x, f, p) => fastDepthwiseConv2d(rt, x, f, p), referenceBackend.depthwiseConv2d),
    depthwiseConv2dBackpropInput: orReference(
      (dy, f, xShape, p) => fastDepthwiseConv2dBackpropInput(rt, dy, f, xShape, p),
      referenceBackend.depthwiseConv2dBackpropInput,
    ),
    depthwiseConv2dBackpropFilter: orReference(
      (x, dy, fShape, p) => fastDepthwiseConv2dBackpropFilter(rt, x, dy, fShape, p),
      referenceBackend.depthwiseConv2dBackpropFilter,
    ),
    add: orReference((a, b) => fastAdd(rt, a, b), referenceBackend.add),
    addGrad: orReference((dy, aShape, bShape) => fastAddGrad(rt, dy, aShape, bShape), referenceBackend.addGrad),
    merge: orReference((op, a, b) => fastMerge(rt, op, a, b), referenceBackend.merge),
    mergeGrad: orReference((op, dy, a, b) => fastMergeGrad(rt, op, dy, a, b), referenceBackend.mergeGrad),
    scaleChannels: orReference((x, s) => fastScaleChannels(rt, x, s), referenceBackend.scaleChannels),
    scaleChannelsGrad: orReference(
      (dy, x, s) => fastScaleChannelsGrad(rt, dy, x, s),
      referenceBackend.scaleChannelsGrad,
    ),
    layerNorm: orReference(
      (x, gamma, beta, eps, rms) => fastLayerNorm(rt, x, gamma, beta, eps, rms),
      referenceBackend.layerNorm,
    ),
    layerNormGrad: orReference(
      (dy, gamma, saved, rms) => fastLayerNormGrad(rt, dy, gamma, saved, rms),
      referenceBackend.layerNormGrad,
    ),
    upSampleNearest: orReference((x, size) => fastUpSampleNearest(rt, x, size), referenceBackend.upSampleNearest),
    upSampleNearestGrad: orReference(
      (dy, size) => fastUpSampleNearestGrad(rt, dy, size),
      referenceBackend.upSampleNearestGrad,
    ),
    upSampleBilinear: orReference((x, size) => fastUpSampleBilinear(rt, x, size), referenceBackend.upSampleBilinear),
    upSampleBilinearGrad: orReference(
      (dy, xShape, size) => fastUpSampleBilinearGrad(rt, dy, xShape, size),
      referenceBackend.upSampleBilinearGrad,
    ),
    concat: orReference((xs, axis) => fastConcat(rt, xs, axis), referenceBackend.concat),
    concatGrad: orReference((dy, shapes, axis) => fastConcatGrad(rt, dy, shapes, axis), referenceBackend.concatGrad),
    dropout: orReference((x, rate, seed) => fastDropout(rt, x, rate, seed), referenceBackend.dropout),
    dropoutGrad: orReference((dy, mask) => fastDropoutGrad(rt, dy, mask), referenceBackend.dropoutGrad),
    avgPool: orReference((x, p) => fastAvgPool(rt, x, p), referenceBackend.avgPool),
    avgPoolGrad: orReference((dy, xShape, p) => fastAvgPoolGrad(rt, dy, xShape, p), referenceBackend.avgPoolGrad),
    affine: orReference((x, p) => fastAffine(rt, x, p), referenceBackend.affine),
    softmaxAxis: orReference((x, axis) => fastSoftmaxAxis(rt, x, axis), referenceBackend.softmaxAxis),
    softmaxAxisGrad: orReference(
      (dy, y, axis) => fastSoftmaxAxisGrad(rt, dy, y, axis),
      referenceBackend.softmaxAxisGrad,
    ),
    transpose: orReference((x, axes) => fastTranspose(rt, x, axes), referenceBackend.transpose),
    reverseSteps: orReference((x) => fastReverseSteps(rt, x), referenceBackend.reverseSteps),
    repeatVector: orReference((x, n) => fastRepeatVector(rt, x, n), referenceBackend.repeatVector),
    repeatVectorGrad: orReference((dy) => fastRepeatVectorGrad(rt, dy), referenceBackend.repeatVectorGrad),
    embedding: orReference((ids, table) => fastEmbedding(rt, ids, table), referenceBackend.embedding),
    embeddingGrad: orReference(
      (dy, ids, tableShape) => fastEmbeddingGrad(rt, dy, ids, tableShape),
      referenceBackend.embeddingGrad,
    ),
    zeroPad2d: orReference((x, pads) => fastZeroPad2d(rt, x, pads), referenceBackend.zeroPad2d),
    zeroPad2dGrad: orReference((dy, pads) => fastZeroPad2dGrad(rt, dy, pads), referenceBackend.zeroPad2dGrad),
    stepScope: (fn) => {
      // Between steps (it does nothing inside one): the slots Adam updated in the last step move into wasm memory.
      adoptAdamSlots(rt);
      return rt.arena.scope(() => {
        if (hotDepth++ === 0) rt.pool.setHot(true);
        try {
          return fn();
        } finally {
          if (--hotDepth === 0) rt.pool.setHot(false);
        }
      });
    },
    dispose: () => rt.pool.dispose(),
  };
}
