// How the threads of an op share it (wasm/claim.ts through fast/runtime.ts claimBlock), driven from one thread in
// chosen interleavings: every unit is handed out exactly once, in step-aligned slices, whatever the order the threads
// come in, including threads that never come; each thread starts in its own contiguous home range; and after a
// reset one thread alone walks the whole op in order (the rerun after a lost worker).
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { claimBlock, createRuntime, type WasmRuntime } from '../../../../engine/kernels/fast/runtime';

let rt: WasmRuntime;
beforeAll(async () => {
  rt = await createRuntime({ simd: await readFile('dist/wasm/kernels-simd.wasm') }, { threads: 1, Worker: null });
});

/** Seeded LCG in [0, 1). */
const random = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

/**
 * Claims until every thread is told nothing is left; `next` picks which live thread claims next. Returns each
 * thread's slices in the order it got them.
 */
function drain(threads: number, step: number, n: number, next: (live: number[]) => number, asleep: number[] = []) {
  rt.arena.reset();
  const { ctx } = claimBlock(rt, threads);
  const got: number[][] = ctx.map(() => []);
  const live = ctx.map((_, t) => t).filter((t) => !asleep.includes(t));
  while (live.length > 0) {
    const t = next(live);
    const i = rt.call('claim', ctx[t], step, n);
    if (i >= n) live.splice(live.indexOf(t), 1);
    else got[t].push(i);
  }
  return got;
}

/** Every unit of 0..n exactly once, in slices that start on multiples of step. */
function expectCover(got: number[][], step: number, n: number) {
  const starts = got.flat().sort((a, b) => a - b);
  expect(starts.every((i) => i % step === 0)).toBe(true);
  expect(starts).toEqual(Array.from({ length: Math.ceil(n / step) }, (_, u) => u * step));
}

const CASES: [threads: number, step: number, n: number][] = [
  [1, 1, 7],
  [2, 64, 1000],
  [3, 4, 10],
  [3, 64, 65],
  [4, 1, 3],
  [5, 16, 999],
  [16, 8, 4096],
  [16, 1, 5],
  [7, 1, 0],
];

describe('claim: home ranges, then stealing', () => {
  for (const [threads, step, n] of CASES) {
    it(`${threads} threads, step ${step}, n ${n}: every unit exactly once in random interleavings, sleepers included`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const r = random(seed);
        const asleep = Array.from({ length: threads }, (_, t) => t).filter((t) => t > 0 && r() < 0.3);
        expectCover(
          drain(threads, step, n, (live) => live[Math.floor(r() * live.length)], asleep),
          step,
          n,
        );
      }
    });
  }

  it('taking turns, each of 4 threads gets exactly its own contiguous quarter, in order', () => {
    let turn = 0;
    const got = drain(4, 8, 8 * 40, (live) => live[turn++ % live.length]);
    got.forEach((slices, t) => expect(slices).toEqual(Array.from({ length: 10 }, (_, j) => (t * 10 + j) * 8)));
  });

  it('a thread that never comes: the others take its range once their own is empty, the next thread first', () => {
    let turn = 0;
    const got = drain(3, 1, 9, (live) => live[turn++ % live.length], [1]);
    expect(got).toEqual([[0, 1, 2, 3, 5], [], [6, 7, 8, 4]]);
  });

  it('isolated (a partition study): each of 16 threads gets exactly its home range and nothing of the others, and the 16 runs cover the op once', () => {
    for (const [step, n] of [
      [8, 4096],
      [1, 5],
      [4, 1030],
    ] as const) {
      rt.arena.reset();
      const claims = claimBlock(rt, 16);
      const got = claims.ctx.map((ctx, t) => {
        claims.isolate(t);
        const slices: number[] = [];
        for (let i = rt.call('claim', ctx, step, n); i < n; i = rt.call('claim', ctx, step, n)) slices.push(i);
        return slices;
      });
      expectCover(got, step, n);
      // Thread t's home range: the t-th of 16 equal runs of step-sized slices (wasm/claim.ts part).
      const units = Math.ceil(n / step);
      got.forEach((slices, t) => {
        const lo = Math.floor((units * t) / 16),
          hi = Math.floor((units * (t + 1)) / 16);
        expect(slices, `thread ${t}, step ${step}, n ${n}`).toEqual(
          Array.from({ length: hi - lo }, (_, j) => (lo + j) * step),
        );
      });
    }
  });

  it('after reset one thread alone walks the whole op in order (the rerun after a lost worker)', () => {
    rt.arena.reset();
    const claims = claimBlock(rt, 3);
    expect(rt.call('claim', claims.ctx[1], 2, 12)).toBe(4);
    expect(rt.call('claim', claims.ctx[2], 2, 12)).toBe(8);
    claims.reset();
    const got: number[] = [];
    for (let i = rt.call('claim', claims.ctx[0], 2, 12); i < 12; i = rt.call('claim', claims.ctx[0], 2, 12))
      got.push(i);
    expect(got).toEqual([0, 2, 4, 6, 8, 10]);
  });
});
