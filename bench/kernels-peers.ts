// The kernel benchmark's peers: the same workload in TF.js (cpu, wasm) and onnxruntime-node (see bench/kernels.ts).
import { join } from 'node:path';
import type { Tensor } from '../engine/core/tensor';
import { oneNodeModel } from './onnx-model';
import { M, convF, convX, inputs, type Prepared } from './kernels-workload';

export type Tf = typeof import('@tensorflow/tfjs-core');

export function tfjsOps(tf: Tf): Record<string, Prepared> {
  const t = (x: Tensor) => tf.tensor(x.data, x.shape);
  const a = t(inputs.a),
    b = t(inputs.b),
    x = t(inputs.x),
    f = t(inputs.f),
    dy = t(inputs.dy),
    x1 = t(inputs.x1);
  const bn = t(inputs.bn) as import('@tensorflow/tfjs-core').Tensor4D,
    bnDy = t(inputs.bnDy);
  const gamma = tf.tensor1d(inputs.gamma),
    beta = tf.tensor1d(inputs.beta);
  const kernelThere = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;
  const sync = (y: import('@tensorflow/tfjs-core').Tensor | import('@tensorflow/tfjs-core').Tensor[]) =>
    (Array.isArray(y) ? y : [y]).forEach((v) => v.dataSync());
  const x4 = x as import('@tensorflow/tfjs-core').Tensor4D,
    f4 = f as import('@tensorflow/tfjs-core').Tensor4D;
  const dy4 = dy as import('@tensorflow/tfjs-core').Tensor4D;
  const { mean, variance } = tf.moments(bn, [0, 1, 2]);
  const invStd = tf.rsqrt(tf.add(variance, 1e-3));
  const n = 32 * 26 * 26;
  return {
    matmul: () =>
      tf.tidy(() =>
        sync(tf.matMul(a as import('@tensorflow/tfjs-core').Tensor2D, b as import('@tensorflow/tfjs-core').Tensor2D)),
      ),
    'conv-fwd': () => tf.tidy(() => sync(tf.conv2d(x4, f4, 1, 'valid'))),
    // conv2dTranspose is TF.js's public entry to the Conv2DBackpropInput kernel.
    'conv-bpi': () =>
      tf.tidy(() => sync(tf.conv2dTranspose(dy4, f4, convX as [number, number, number, number], 1, 'valid'))),
    'conv-bpf': kernelThere('Conv2DBackpropFilter')
      ? () =>
          tf.tidy(() =>
            sync(
              tf.engine().runKernel(
                'Conv2DBackpropFilter',
                { x: x4, dy: dy4 },
                {
                  strides: [1, 1],
                  pad: 'valid',
                  dataFormat: 'NHWC',
                  dimRoundingMode: undefined as unknown as string,
                  filterShape: convF,
                },
              ) as import('@tensorflow/tfjs-core').Tensor,
            ),
          )
      : { unavailable: `no Conv2DBackpropFilter kernel in the ${tf.getBackend()} backend` },
    'conv-fwd-b1': () => tf.tidy(() => sync(tf.conv2d(x1 as import('@tensorflow/tfjs-core').Tensor4D, f4, 1, 'valid'))),
    'bn-fwd': () =>
      tf.tidy(() => {
        const m = tf.moments(bn, [0, 1, 2]);
        sync([tf.batchNorm(bn, m.mean, m.variance, beta, gamma, 1e-3), m.mean, m.variance]);
      }),
    // The same closed form as ours, written in TF.js ops (what its autodiff of batchNorm amounts to).
    'bn-bwd': () =>
      tf.tidy(() => {
        const xhat = tf.mul(tf.sub(bn, mean), invStd);
        const dbeta = tf.sum(bnDy, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(bnDy, xhat), [0, 1, 2]);
        const k = tf.div(tf.mul(gamma, invStd), n);
        const dx = tf.mul(k, tf.sub(tf.sub(tf.mul(bnDy, n), dbeta), tf.mul(xhat, dgamma)));
        sync([dx, dgamma, dbeta]);
      }),
  };
}

export async function loadTfjs(
  backend: 'cpu' | 'wasm',
  root: string,
  threads: number,
): Promise<{ tf: Tf; note: string }> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  let note = '';
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // The .wasm files ship inside the package: load them from node_modules, never from the network.
    wasm.setWasmPaths(`${join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
    wasm.setThreadsCount(threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  if (backend === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const mt = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    note = `simd=${simd} threads=${mt ? wasm.getThreadsCount() : 1}`;
  }
  return { tf, note };
}

// ---- onnxruntime-node ----------------------------------------------------------------------------------------
export type Ort = typeof import('onnxruntime-node');

/** NHWC → NCHW (ORT's Conv layout); done once outside the timed region. */
function nchw(x: Tensor): Float32Array {
  const [n, h, w, c] = x.shape;
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let i = 0; i < w; i++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + i] = x.data[((b * h + y) * w + i) * c + k];
  return out;
}

/** [kh,kw,cin,cout] → [cout,cin,kh,kw] (ORT's Conv weight layout). */
function oihw(f: Tensor): Float32Array {
  const [kh, kw, ci, co] = f.shape;
  const out = new Float32Array(f.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = f.data[((y * kw + x) * ci + i) * co + o];
  return out;
}

/** Swaps the first two axes of an NCHW array ([a,b,h,w] → [b,a,h,w]). */
function swap01(data: Float32Array, [a, b, h, w]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  const hw = h * w;
  for (let i = 0; i < a; i++)
    for (let j = 0; j < b; j++) out.set(data.subarray((i * b + j) * hw, (i * b + j + 1) * hw), (j * a + i) * hw);
  return out;
}

export async function ortOps(
  ort: Ort,
  threads: number,
): Promise<{ ops: Record<string, Prepared>; notes: Record<string, string> }> {
  // No spinning: by default ORT's intra-op threads busy-wait for a while after each run, which in interleaved rounds
  // would take a core from whichever implementation runs next (on a 2-core machine, half of it).
  const options = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all' as const,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const T = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
  async function prepare(
    model: Parameters<typeof oneNodeModel>[0],
    feeds: Record<string, InstanceType<Ort['Tensor']>>,
  ): Promise<Prepared> {
    try {
      const session = await ort.InferenceSession.create(oneNodeModel(model), options);
      return () => session.run(feeds);
    } catch (e) {
      return { unavailable: (e as Error).message.split('\n')[0].slice(0, 120) };
    }
  }
  const conv = () => ({ name: 'kernel_shape', ints: [3, 3] });
  const xN = nchw(inputs.x),
    wN = oihw(inputs.f),
    dyN = nchw(inputs.dy);
  const bnN = nchw(inputs.bn);
  const ops: Record<string, Prepared> = {
    matmul: await prepare(
      {
        op: 'MatMul',
        inputs: [
          { name: 'A', shape: [M, M] },
          { name: 'B', shape: [M, M] },
        ],
        outputs: [{ name: 'Y', shape: [M, M] }],
      },
      { A: T(inputs.a.data, [M, M]), B: T(inputs.b.data, [M, M]) },
    ),
    'conv-fwd': await prepare(
      {
        op: 'Conv',
        inputs: [
          { name: 'X', shape: [32, 32, 28, 28] },
          { name: 'W', shape: [32, 32, 3, 3] },
        ],
        outputs: [{ name: 'Y', shape: [32, 32, 26, 26] }],
        attributes: [conv()],
      },
      { X: T(xN, [32, 32, 28, 28]), W: T(wN, [32, 32, 3, 3]) },
    ),
    // ConvTranspose with the conv's weights is exactly the gradient of the conv with respect to its input.
    'conv-bpi': await prepare(
      {
        op: 'ConvTranspose',
        inputs: [
          { name: 'X', shape: [32, 32, 26, 26] },
          { name: 'W', shape: [32, 32, 3, 3] },
        ],
        outputs: [{ name: 'Y', shape: [32, 32, 28, 28] }],
        attributes: [conv()],
      },
      { X: T(dyN, [32, 32, 26, 26]), W: T(wN, [32, 32, 3, 3]) },
    ),
    // For stride 1, dW[o,i] = Σ_n x[n,i] ⋆ dy[n,o]: a Conv with batch and channel axes swapped on both operands.
    'conv-bpf': await prepare(
      {
        op: 'Conv',
        inputs: [
          { name: 'X', shape: [32, 32, 28, 28] },
          { name: 'W', shape: [32, 32, 26, 26] },
        ],
        outputs: [{ name: 'Y', shape: [32, 32, 3, 3] }],
        attributes: [{ name: 'kernel_shape', ints: [26, 26] }],
      },
      { X: T(swap01(xN, [32, 32, 28, 28]), [32, 32, 28, 28]), W: T(swap01(dyN, [32, 32, 26, 26]), [32, 32, 26, 26]) },
    ),
    'conv-fwd-b1': await prepare(
      {
        op: 'Conv',
        inputs: [
          { name: 'X', shape: [1, 32, 28, 28] },
          { name: 'W', shape: [32, 32, 3, 3] },
        ],
        outputs: [{ name: 'Y', shape: [1, 32, 26, 26] }],
        attributes: [conv()],
      },
      { X: T(nchw(inputs.x1), [1, 32, 28, 28]), W: T(wN, [32, 32, 3, 3]) },
    ),
    'bn-fwd': await prepare(
      {
        op: 'BatchNormalization',
        opset: 15,
        inputs: [
          { name: 'X', shape: [32, 32, 26, 26] },
          { name: 'scale', shape: [32] },
          { name: 'B', shape: [32] },
          { name: 'mean', shape: [32] },
          { name: 'var', shape: [32] },
        ],
        outputs: [
          { name: 'Y', shape: [32, 32, 26, 26] },
          { name: 'running_mean', shape: [32] },
          { name: 'running_var', shape: [32] },
        ],
        attributes: [
          { name: 'training_mode', int: 1 },
          { name: 'epsilon', float: 1e-3 },
        ],
      },
      {
        X: T(bnN, [32, 32, 26, 26]),
        scale: T(inputs.gamma, [32]),
        B: T(inputs.beta, [32]),
        mean: T(new Float32Array(32), [32]),
        var: T(new Float32Array(32).fill(1), [32]),
      },
    ),
    'bn-bwd': { unavailable: 'no gradient ops in the onnxruntime-node (inference) build' },
  };
  return {
    ops,
    notes: {
      'conv-bpi': 'ConvTranspose, NCHW',
      'conv-bpf': 'Conv over swapped batch/channel axes, NCHW',
      'conv-fwd': 'NCHW',
      'conv-fwd-b1': 'NCHW',
      'bn-fwd': 'training_mode=1, NCHW',
    },
  };
}
