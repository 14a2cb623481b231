// The 1-D and sequence layers against real Keras 3.15: outputs and gradients of sum(output · projection) with
// respect to the input and every trainable weight, in training and in inference mode, on the reference kernels and
// on the fast (WebAssembly) ones. The values come from test/fixtures/keras-layers/generate.py run in real Keras.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../engine/core/tensor';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { completeConfig, validateConfig } from '../../../engine/layers/config';
import { getLayer } from '../../../engine/layers/registry';
import { isIssue, type RunContext } from '../../../engine/layers/types';
import { useFastBackend } from '../kernels/fast-backend';

interface Pass {
  /** Every output flattened, one after another (return_state's states after the output). */
  output: number[];
  output_shape: number[];
  extra_output_shapes?: number[][];
  input_grad?: number[];
  weight_grads: Record<string, number[]>;
  /** The RNN dropout masks Keras ran the training pass with, in the order LayerCanvas draws them. */
  dropout_masks?: number[][];
}
interface KerasCase {
  id: string;
  class_name: string;
  config: Record<string, unknown>;
  input_shape: number[];
  input_dtype: 'float32' | 'int32';
  input: number[];
  weights: { name: string; shape: number[]; data: number[] }[];
  projection: number[];
  training: Pass;
  inference: Pass;
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/keras-layers/sequence-layers.json'), 'utf8'),
) as {
  keras_version: string;
  cases: KerasCase[];
};

function close(what: string, got: ArrayLike<number>, want: number[]) {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1e-4 + 1e-3 * Math.abs(want[i]));
    if (err > worst) [worst, at] = [err, i];
  }
  expect(worst, `${what}[${at}]: got ${got[at]}, Keras ${want[at]}`).toBeLessThanOrEqual(1);
}

/** The backend with its dropout handing out Keras's fixed masks, one per draw, checking each mask's size. */
function withMasks(backend: Backend, masks: number[][] | undefined): Backend {
  if (!masks) return backend;
  let next = 0;
  return {
    ...backend,
    dropout(x) {
      const mask = masks[next++];
      expect(mask?.length, `dropout mask ${next - 1}: size`).toBe(x.data.length);
      return { y: { shape: x.shape, data: x.data.map((v, i) => v * mask[i]) }, mask: Float32Array.from(mask) };
    },
  };
}

function check(backend: Backend, c: KerasCase, mode: 'training' | 'inference') {
  const def = getLayer(c.class_name)!;
  const { config, unknownKeys } = completeConfig(def, c.config);
  expect(unknownKeys).toEqual([]);
  expect(validateConfig(def, config)).toEqual([]);
  const shape = def.outputShape(config, [[null, ...c.input_shape.slice(1)]]);
  expect(isIssue(shape) ? shape.message : shape).toEqual([null, ...c[mode].output_shape.slice(1)]);
  const ctx: RunContext = {
    backend: withMasks(backend, c[mode].dropout_masks),
    training: mode === 'training',
    nextSeed: () => 1,
  };
  const x: Tensor = { shape: c.input_shape, data: Float32Array.from(c.input) };
  const weights: Record<string, Tensor> = {};
  for (const w of c.weights) weights[w.name] = { shape: w.shape, data: Float32Array.from(w.data) };
  const expectedNames = (def.weights?.(config, [[null, ...c.input_shape.slice(1)]]) ?? []).map((w) => [
    w.name,
    w.shape,
  ]);
  expect(expectedNames).toEqual(c.weights.map((w) => [w.name, w.shape]));
  const pass = c[mode];
  const inputShape = [null, ...c.input_shape.slice(1)];
  expect(def.extraOutputs?.(config, [inputShape]) ?? []).toEqual(
    (pass.extra_output_shapes ?? []).map((s) => [null, ...s.slice(1)]),
  );
  const run = () => {
    const r = def.forward!(ctx, config, [x], weights);
    const outputs = [r.output, ...(r.extraOutputs ?? [])];
    expect(outputs.map((t) => t.shape)).toEqual([pass.output_shape, ...(pass.extra_output_shapes ?? [])]);
    const flat = (ts: Tensor[]) => Float32Array.from(ts.flatMap((t) => Array.from(t.data)));
    close('output', flat(outputs), pass.output);
    // The projection is the gradient of every output, flattened in the same order.
    let at = 0;
    const [dy, ...dExtra] = outputs.map((t): Tensor => {
      const part = Float32Array.from(c.projection.slice(at, at + t.data.length));
      at += t.data.length;
      return { shape: t.shape, data: part };
    });
    const cache = {
      inputs: [x],
      weights,
      output: r.output,
      saved: r.saved,
      inputGradsNeeded: c.input_dtype === 'float32',
    };
    const g = def.backward!(ctx, config, dy, cache, dExtra);
    if (pass.input_grad) close('input gradient', g.inputs[0].data, pass.input_grad);
    expect(Object.keys(g.weights ?? {}).sort()).toEqual(Object.keys(pass.weight_grads).sort());
    for (const [name, want] of Object.entries(pass.weight_grads)) close(`${name} gradient`, g.weights![name], want);
  };
  if (backend.stepScope) backend.stepScope(run);
  else run();
}

describe(`sequence layers equal Keras ${fixture.keras_version} (reference kernels)`, () => {
  for (const c of fixture.cases)
    for (const mode of ['training', 'inference'] as const)
      it(`${c.id}: ${c.class_name} x=[${c.input_shape}] ${mode}`, () => check(referenceBackend, c, mode));
});

describe(`sequence layers equal Keras ${fixture.keras_version} (fast kernels)`, () => {
  const fast = useFastBackend();
  for (const c of fixture.cases)
    for (const mode of ['training', 'inference'] as const)
      it(`${c.id}: ${c.class_name} x=[${c.input_shape}] ${mode}`, () => check(fast(), c, mode));
});
