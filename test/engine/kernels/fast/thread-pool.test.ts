// The thread pool's hand-off: a task no worker has started by the time the caller's own share is done is taken
// back unrun (its chunks were claimed by the caller), so a worker that wakes late, or never, cannot hold up an op;
// a worker that did start is waited for. Results are the reference's either way.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createFastBackend } from '../../../../engine/kernels/fast/backend';
import type { WorkerConstructor } from '../../../../engine/kernels/fast/thread-pool';
import { matMul } from '../../../../engine/kernels/matmul';
import { expectClose, maxAbs, randomTensor } from '../helpers';

const binaries = async () => ({ simd: await readFile('dist/wasm/kernels-simd.wasm') });

/** A worker that starts, never runs a line, and never fails: as a thread the scheduler never gets to. */
class AsleepWorker {
  terminate = () => Promise.resolve(0);
  unref() {}
  on() {}
}

// 512³ = 268 MFLOP: far above the threading threshold, so every call offers the worker its share.
const a = randomTensor([512, 512], 1),
  b = randomTensor([512, 512], 2);
const want = matMul(a, b).data;
const tol = 1e-5 * maxAbs(want);

describe('thread pool hand-off', () => {
  it('a worker that never picks up its tasks costs nothing: each op finishes on the caller, results exact', async () => {
    const fast = await createFastBackend({
      binaries: await binaries(),
      threads: 2,
      Worker: AsleepWorker as unknown as WorkerConstructor,
    });
    for (let i = 0; i < 3; i++) expectClose(fast.matMul(a, b).data, want, 1e-5, tol);
    expect(fast.liveWorkers).toBe(1);
    expect(fast.poolStats.posted).toBeGreaterThanOrEqual(3);
    expect(fast.poolStats.taken).toBe(0);
    await fast.dispose();
  });

  it('real workers join once started (the caller waits for a task they took) and give the same bits', async () => {
    const one = await createFastBackend({ binaries: await binaries(), threads: 1 });
    const two = await createFastBackend({
      binaries: await binaries(),
      threads: 2,
      Worker: Worker as unknown as WorkerConstructor,
    });
    const single = one.matMul(a, b).data;
    expectClose(single, want, 1e-5, tol);
    // The first calls may finish before the worker thread has even started; on a busy machine a few more may too.
    for (let i = 0; i < 200 && two.poolStats.taken === 0; i++) {
      expect(Array.from(two.matMul(a, b).data)).toEqual(Array.from(single));
      if (two.poolStats.taken === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(two.poolStats.taken).toBeGreaterThan(0);
    expect(Array.from(two.matMul(a, b).data)).toEqual(Array.from(single));
    await two.dispose();
  });

  it('a step runs hot (workers spin through its gaps) only while the load average leaves a core to spare', async () => {
    const make = async (load: number | null) =>
      createFastBackend({
        binaries: await binaries(),
        threads: 2,
        Worker: Worker as unknown as WorkerConstructor,
        loadAverage: load === null ? null : () => load,
      });
    const quiet = await make(1.5);
    expect(quiet.hot).toBe(false);
    const single = (await createFastBackend({ binaries: await binaries(), threads: 1 })).matMul(a, b).data;
    quiet.stepScope(() => {
      expect(quiet.hot).toBe(true);
      // A nested scope leaves the step hot until the outer one ends; results are the single thread's bits.
      quiet.stepScope(() => expect(Array.from(quiet.matMul(a, b).data)).toEqual(Array.from(single)));
      expect(quiet.hot).toBe(true);
    });
    expect(quiet.hot).toBe(false);
    // 2 threads: hot below 2 × 1.25 + 0.5 = 3.
    for (const [load, hot] of [
      [2.9, true],
      [3.2, false],
      [null, false],
    ] as const) {
      const fast = await make(load);
      fast.stepScope(() => expect(fast.hot, `load ${load}`).toBe(hot));
      await fast.dispose();
    }
    await quiet.dispose();
  });
});
