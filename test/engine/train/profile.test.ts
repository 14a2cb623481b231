import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { type CopyMeter, formatProfile, StepProfiler, threadBound } from '../../../engine/train/profile';
import { tensor } from '../../../engine/core/tensor';

/** Busy-waits ms (the profiler reads performance.now). */
function spin(ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('the profile says what the threads share and what runs on one', () => {
  it("charges each kernel call's shared passes to it, and bounds a 16-thread step by Amdahl's law", () => {
    const meter: CopyMeter = { enabled: false, ms: 0, bytes: 0, parallelMs: 0 };
    // A matMul whose last 3 ms are a pass shared by the threads (the meter counts while enabled).
    const backend: Backend = {
      ...referenceBackend,
      matMul: (a, b) => {
        spin(1);
        const t0 = performance.now();
        spin(3);
        if (meter.enabled) meter.parallelMs! += performance.now() - t0;
        return referenceBackend.matMul(a, b);
      },
    };
    const profiler = new StepProfiler(0, meter);
    const b = profiler.wrap(backend);
    const x = tensor([1, 1], [2]);
    for (let step = 0; step < 3; step++) {
      profiler.beginStep();
      profiler.inPhase('forward', () => b.matMul(x, x));
      spin(1);
      profiler.endStep();
    }
    const r = profiler.report();
    const op = r.ops.find((o) => o.name === 'matMul (forward)')!;
    expect(op.parallelMs).toBeGreaterThanOrEqual(3);
    expect(op.parallelMs).toBeLessThan(op.ms);
    expect(r.parallelMs).toBe(op.parallelMs);
    const text = formatProfile(r, 2);
    expect(text).toMatch(
      /^threads: [\d.]+ ms\/step \([\d.]+%\) in passes shared by 2 threads, [\d.]+ ms \([\d.]+%\) on one; on 16 threads a step takes at least [\d.]+ ms/m,
    );
    expect(formatProfile(r, 1)).not.toMatch(/^threads:/m);
  });

  it('the bound: serial time stays, shared time shrinks by threads/N', () => {
    // 10 ms steps on 2 threads, 8 of them shared: 16 threads take ≥ 2 + 8·2/16 = 3 ms.
    const b = threadBound({ msPerStep: 10, parallelMs: 8 }, 2, 16);
    expect(b.serialMs).toBe(2);
    expect(b.ms).toBe(3);
    expect(b.speedup).toBeCloseTo(10 / 3, 12);
    expect(threadBound({ msPerStep: 10, parallelMs: 0 }, 2, 16).speedup).toBe(1);
  });
});
