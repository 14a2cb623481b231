// The kernel benchmark's workload: the ops, their inputs, and our two backends' calls (see bench/kernels.ts).
import { tensor, type Tensor } from '../engine/core/tensor';
import { batchNormTrain } from '../engine/kernels/batch-norm';
import type { Backend, BatchNormSaved, ConvParams } from '../engine/kernels/types';

export type Run = () => unknown | Promise<unknown>;
/** A prepared op for one implementation, or the reason it can't run there. */
export type Prepared = Run | { unavailable: string };

export interface OpSpec {
  id: string;
  title: string;
  flops: number | null;
  /** Only our fast backend has the row (its operands already in wasm memory, as inside a training step). */
  inStep?: boolean;
}

/** What a run returns when it times itself (only part of what it does is the op). */
export interface SelfTimed {
  selfMs: number;
}

function random(shape: number[], seed: number): Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 4294967296 - 0.5;
  }
  return tensor(shape, data);
}

// ---- the workload -------------------------------------------------------------------------------------------
export const M = 1024;
export const convX = [32, 28, 28, 32];
export const convF = [3, 3, 32, 32];
export const convY = [32, 26, 26, 32];
const valid: ConvParams = { strides: [1, 1], padding: 'valid', dilations: [1, 1] };
const convFlops = (batch: number) => 2 * batch * 26 * 26 * 3 * 3 * 32 * 32;
const bnShape = [32, 26, 26, 32];

export const ops: OpSpec[] = [
  { id: 'matmul', title: 'MatMul 1024×1024×1024', flops: 2 * M ** 3 },
  { id: 'conv-fwd', title: 'Conv2D fwd [32,28,28,32]*[3,3,32,32] valid', flops: convFlops(32) },
  { id: 'conv-bpi', title: 'Conv2D backprop input (same conv)', flops: convFlops(32) },
  { id: 'conv-bpf', title: 'Conv2D backprop filter (same conv)', flops: convFlops(32) },
  { id: 'conv-fwd-b1', title: 'Conv2D fwd batch 1 [1,28,28,32]', flops: convFlops(1) },
  { id: 'bn-fwd', title: 'BatchNorm train fwd [32,26,26,32]', flops: null },
  { id: 'bn-bwd', title: 'BatchNorm backward [32,26,26,32]', flops: null },
  { id: 'bias-relu', title: 'bias + relu [32,26,26,32] (fused epilogue)', flops: null },
  { id: 'bias-relu-grad', title: 'relu grad + bias grad [32,26,26,32] (fused)', flops: null },
  { id: 'pool-fwd', title: 'MaxPooling2D 2×2 [32,26,26,32]', flops: null },
  { id: 'pool-bwd', title: 'MaxPooling2D gradient [32,26,26,32]', flops: null },
  { id: 'adam', title: 'Adam update, 1M weights', flops: null },
  // The ops as a training step runs them: input and output stay in wasm memory, so the copies that the rows above
  // make on the caller's thread alone are gone and the threads share the whole op.
  ...(
    [
      'matmul',
      'conv-fwd',
      'conv-bpi',
      'conv-bpf',
      'bn-fwd',
      'bn-bwd',
      'bias-relu',
      'bias-relu-grad',
      'pool-fwd',
      'pool-bwd',
      'adam',
    ] as const
  ).map((id) => ({
    id: `${id}-step`,
    title: id === 'adam' ? 'adam in a step (its slots in wasm memory)' : `${id} in a step (operands in wasm memory)`,
    flops: null,
    inStep: true,
  })),
];

const ADAM_N = 1 << 20;
const pool2 = { poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], padding: 'valid' as const };

export const inputs = {
  a: random([M, M], 1),
  b: random([M, M], 2),
  x: random(convX, 3),
  f: random(convF, 4),
  dy: random(convY, 5),
  x1: random([1, 28, 28, 32], 6),
  bn: random(bnShape, 7),
  bnDy: random(bnShape, 8),
  poolDy: random([32, 13, 13, 32], 9),
  adam: [random([ADAM_N], 10).data, random([ADAM_N], 11).data, new Float32Array(ADAM_N), new Float32Array(ADAM_N)],
  gamma: Float32Array.from({ length: 32 }, (_, i) => 0.5 + i / 32),
  beta: Float32Array.from({ length: 32 }, (_, i) => i / 64 - 0.25),
};

/** Calls of the op per step sample: the first WARM_CALLS untimed, the rest timed and averaged. */
const WARM_CALLS = 2,
  TIMED_CALLS = 3;

/**
 * The ops inside a step scope of the fast backend, as a training step runs them: the operands are first made kernel
 * results of the step (a linear bias pass copies them into wasm memory), then the op runs back to back, and only
 * its later calls are timed. Timed alone after a garbage collection and the other implementations' turns, the
 * worker's core had been idle for milliseconds, and its first op ran slower there (the core's clock and caches
 * coming back), so a 0.5 ms pass gained nothing from a second thread; in a step both cores stay busy.
 */
function inStep(b: Backend, saved: BatchNormSaved): Record<string, Prepared> {
  const scope = (b as { stepScope?: <T>(fn: () => T) => T }).stepScope;
  const resident = (t: Tensor) =>
    tensor(t.shape, b.biasActivation(t, new Float32Array(t.shape[t.shape.length - 1]), 'linear').data);
  const operands = { conv: [inputs.x, inputs.dy], bn: [inputs.bn, inputs.bnDy], matmul: [inputs.a, inputs.b] };
  const step = (
    op: (x: Tensor, dy: Tensor, poolDy: Tensor | null) => unknown,
    kind: keyof typeof operands = 'bn',
  ): Prepared =>
    scope
      ? () =>
          scope((): SelfTimed => {
            const poolDy = kind === 'bn' ? resident(inputs.poolDy) : null;
            const x = resident(operands[kind][0]),
              dy = resident(operands[kind][1]);
            for (let i = 0; i < WARM_CALLS; i++) op(x, dy, poolDy);
            const t = performance.now();
            for (let i = 0; i < TIMED_CALLS; i++) op(x, dy, poolDy);
            return { selfMs: (performance.now() - t) / TIMED_CALLS };
          })
      : { unavailable: 'no step scope (operands stay in JavaScript memory)' };
  return {
    'matmul-step': step((a, bm) => b.matMul(a, bm), 'matmul'),
    'conv-fwd-step': step((x) => b.conv2d(x, inputs.f, valid), 'conv'),
    'conv-bpi-step': step((_x, dy) => b.conv2dBackpropInput(dy, inputs.f, convX, valid), 'conv'),
    'conv-bpf-step': step((x, dy) => b.conv2dBackpropFilter(x, dy, convF, valid), 'conv'),
    'bn-fwd-step': step((x) => b.batchNormTrain(x, inputs.gamma, inputs.beta, 1e-3)),
    'bn-bwd-step': step((x, dy) => b.batchNormBackward(dy, x, inputs.gamma, saved)),
    'bias-relu-step': step((x) => b.biasActivation(x, inputs.beta, 'relu')),
    'bias-relu-grad-step': step((x, dy) => b.biasActivationGrad(dy, x, 'relu', true)),
    'pool-fwd-step': step((x) => b.maxPool(x, pool2)),
    'pool-bwd-step': step((x, _dy, poolDy) => b.maxPoolGrad(poolDy as Tensor, x, pool2)),
    // The slots move into wasm memory after the first step that updates them (fast/adam-update.ts).
    'adam-step': step(() => {
      const [w, g, m, v] = inputs.adam;
      b.adamUpdate(w, g, m, v, { alpha: 1e-7, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    }),
  };
}

export function ours(b: Backend): Record<string, Prepared> {
  const saved = batchNormTrain(inputs.bn, inputs.gamma, inputs.beta, 1e-3).saved;
  return {
    ...inStep(b, saved),
    matmul: () => b.matMul(inputs.a, inputs.b),
    'conv-fwd': () => b.conv2d(inputs.x, inputs.f, valid),
    'conv-bpi': () => b.conv2dBackpropInput(inputs.dy, inputs.f, convX, valid),
    'conv-bpf': () => b.conv2dBackpropFilter(inputs.x, inputs.dy, convF, valid),
    'conv-fwd-b1': () => b.conv2d(inputs.x1, inputs.f, valid),
    'bn-fwd': () => b.batchNormTrain(inputs.bn, inputs.gamma, inputs.beta, 1e-3),
    'bn-bwd': () => b.batchNormBackward(inputs.bnDy, inputs.bn, inputs.gamma, saved),
    'bias-relu': () => b.biasActivation(inputs.bn, inputs.beta, 'relu'),
    'bias-relu-grad': () => b.biasActivationGrad(inputs.bnDy, inputs.bn, 'relu', true),
    'pool-fwd': () => b.maxPool(inputs.bn, pool2),
    'pool-bwd': () => b.maxPoolGrad(inputs.poolDy, inputs.bn, pool2),
    adam: () => {
      const [w, g, m, v] = inputs.adam;
      b.adamUpdate(w, g, m, v, { alpha: 1e-7, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    },
  };
}
