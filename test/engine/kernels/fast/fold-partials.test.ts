// foldPartials (wasm/elementwise.ts), the per-chunk f32 sums of BN and the bias gradients folded into f64 totals: four
// channels at a time in SIMD, the rest one by one, and each channel's sum in chunk order, so it must equal a plain
// f64 loop bit for bit, tail channels included.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type WasmRuntime } from '../../../../engine/kernels/fast/runtime';

let rt: WasmRuntime;
beforeAll(async () => {
  rt = await createRuntime({ simd: await readFile('dist/wasm/kernels-simd.wasm') }, { threads: 1, Worker: null });
});

describe('foldPartials', () => {
  for (const [chunks, c] of [
    [1, 4],
    [5, 7],
    [338, 32],
    [3, 1],
    [64, 130],
  ]) {
    it(`${chunks} chunks × ${c} channels: equals the f64 loop in chunk order exactly`, () => {
      rt.arena.reset();
      // Values over many magnitudes, so that any change of order or precision shows in the last bits.
      const partials = Float32Array.from({ length: chunks * c }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4));
      const p = rt.arena.copyIn(partials);
      const total = rt.arena.alloc(2 * c);
      rt.call('foldPartials', p, chunks, c, total);
      const want = new Float64Array(c);
      for (let b = 0; b < chunks; b++) for (let j = 0; j < c; j++) want[j] += partials[b * c + j];
      expect(Array.from(rt.arena.readF64(total, c))).toEqual(Array.from(want));
    });
  }
});
