// What the fused LSTM and GRU step tests share: their odd shapes, and running a check on every fast backend the
// training runs (both SIMD flavours on two threads, and one thread without workers).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createFastBackend, type FastBackend } from '../../../engine/kernels/fast/backend';
import type { Backend } from '../../../engine/kernels/types';
import { simdVariants, useFastBackend } from './fast-backend';

/**
 * batch 3, units 5, 4 steps at t = 2 and at t = 0 without a bias; batch 1, units 1, 1 step; batch 2, units 8 (whole
 * SIMD lanes, no tail).
 */
export const CELL_CASES = [
  { batch: 3, units: 5, steps: 4, t: 2, bias: true },
  { batch: 3, units: 5, steps: 4, t: 0, bias: false },
  { batch: 1, units: 1, steps: 1, t: 0, bias: true },
  { batch: 2, units: 8, steps: 3, t: 1, bias: true },
];
export type CellCase = (typeof CELL_CASES)[number];

export const caseName = (c: CellCase) =>
  `batch=${c.batch} units=${c.units} steps=${c.steps} t=${c.t}${c.bias ? '' : ' no bias'}`;

/**
 * `check(backend, case)` for every case, inside a step scope (where training runs the fused kernels); `how` says how
 * close the check holds them ('bit for bit').
 */
export function onEveryFastBackend(
  kernel: string,
  check: (fast: Backend, c: CellCase) => void,
  how = 'bit for bit',
): void {
  const cases = (fast: () => Backend) => {
    for (const c of CELL_CASES) it(caseName(c), () => fast().stepScope!(() => check(fast(), c)));
  };
  describe.each(simdVariants)(`the wasm ${kernel} (%s, 2 threads) equals the reference ${how}`, (variant) => {
    cases(useFastBackend(variant));
  });
  describe(`the wasm ${kernel} on one thread equals the reference ${how}`, () => {
    let one: FastBackend | null = null;
    beforeAll(async () => {
      one = await createFastBackend({ binaries: { simd: await readFile('dist/wasm/kernels-simd.wasm') } });
    });
    afterAll(async () => {
      await one?.dispose();
    });
    cases(() => one!);
  });
}

/** The wasm steps' sigmoid and tanh are float32 polynomials (Cephes's expf, tanhf) where the reference rounds f64's. */
export const MAX_ULPS = 4;

/** How many float32 values lie between a and b (0: the same float32). */
export function ulpsApart(a: number, b: number): number {
  const bits = (v: number) => {
    const i = new Int32Array(new Float32Array([v]).buffer)[0];
    return i < 0 ? -(i & 0x7fffffff) : i;
  };
  return Math.abs(bits(a) - bits(b));
}

/**
 * The values of `got` more than MAX_ULPS from `want`, bar those within 2^-22: a sum that cancels (c = f·c_prev + i·g,
 * h = z·h_prev + (1 − z)·h̃) turns the gates' few ulps into an absolute error, a float32 ulp at 1 or two.
 */
export function offFromReference(got: ArrayLike<number>, want: ArrayLike<number>): [number, number][] {
  return Array.from(got, (v, i): [number, number] => [v, want[i]]).filter(
    ([v, w]) => ulpsApart(v, w) > MAX_ULPS && Math.abs(v - w) > 2 ** -22,
  );
}
