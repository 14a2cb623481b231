// Layers against real Keras: test/fixtures/keras-values/make_layer_values.py ran each case in Keras 3.15.1 and
// wrote the inputs, weights, output and the gradients of L = Σ y · projection. Here the same layer runs on the same
// numbers, on the reference kernels and on the fast backend, and must give Keras's values.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../../../engine/core/tensor';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { completeConfig } from '../../../engine/layers/config';
import { getLayer } from '../../../engine/layers/registry';
import type { RunContext } from '../../../engine/layers/types';
import { useFastBackend } from '../kernels/fast-backend';
import { expectClose, maxAbs } from '../kernels/helpers';

interface Values {
  shape: number[];
  data: number[];
}
interface KerasCase {
  id: string;
  class_name: string;
  config: Record<string, unknown>;
  training: boolean;
  inputs: Values[];
  weights: Record<string, Values>;
  output: Values;
  projection: number[];
  input_grads: number[][];
  weight_grads: Record<string, number[]>;
}

const FIXTURE = new URL('../../fixtures/keras-values/layer-values.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { cases: KerasCase[] };
const toTensor = (v: Values): Tensor => tensor(v.shape, Float32Array.from(v.data));

/** Tolerance scaled by the largest value: sums in a different order differ in the last float32 bits. */
const close = (actual: ArrayLike<number>, expected: number[]) =>
  expectClose(actual, expected, 2e-4, 2e-5 * Math.max(1, maxAbs(expected)));

function runKerasCase(c: KerasCase, backend: Backend): void {
  const def = getLayer(c.class_name);
  if (!def) throw new Error(`${c.class_name} is not registered`);
  const { config, unknownKeys } = completeConfig(def, c.config);
  expect(unknownKeys).toEqual([]);
  const ctx: RunContext = { backend, training: c.training, nextSeed: () => 1 };
  const inputs = c.inputs.map(toTensor);
  const weights = Object.fromEntries(Object.entries(c.weights).map(([k, v]) => [k, toTensor(v)]));
  const shapes = c.inputs.map((v) => [null, ...v.shape.slice(1)]);
  expect((def.weights?.(config, shapes) ?? []).map((w) => [w.name, w.shape])).toEqual(
    Object.entries(c.weights).map(([k, v]) => [k, v.shape]),
  );
  const fwd = def.forward!(ctx, config, inputs, weights);
  expect(fwd.output.shape).toEqual(c.output.shape);
  close(fwd.output.data, c.output.data);
  const dy = tensor(c.output.shape, Float32Array.from(c.projection));
  const back = def.backward!(ctx, config, dy, { inputs, weights, output: fwd.output, saved: fwd.saved });
  c.input_grads.forEach((g, k) => close(back.inputs[k].data, g));
  expect(Object.keys(back.weights ?? {}).sort()).toEqual(Object.keys(c.weight_grads).sort());
  for (const [name, g] of Object.entries(c.weight_grads)) close(back.weights![name], g);
}

describe('layers give real Keras 3.15 outputs and gradients (reference kernels)', () => {
  for (const c of cases) it(`${c.id}${c.training ? ' (training)' : ''}`, () => runKerasCase(c, referenceBackend));
});

describe('layers give real Keras 3.15 outputs and gradients (fast backend)', () => {
  const fast = useFastBackend();
  for (const c of cases) it(`${c.id}${c.training ? ' (training)' : ''}`, () => runKerasCase(c, fast()));
});
