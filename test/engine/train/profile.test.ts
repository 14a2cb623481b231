import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import {
  type CopyMeter,
  formatProfile,
  partitionBound,
  StepProfiler,
  threadBound,
} from '../../../engine/train/profile';
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

describe('a partition study: how evenly 16 threads would share each pass', () => {
  it("charges each kernel's shared passes by their place and kernel, and takes each pass's slowest share over the steps", () => {
    const meter: CopyMeter = { enabled: false, ms: 0, bytes: 0, parallelMs: 0, shares: [], studyMs: 0 };
    // A matMul of two shared passes on 4 threads: an even one (1 ms a share), and one whose work sits in the last
    // share, which one step finds in another share (noise the mean over steps smooths out).
    let step = 0;
    const backend: Backend = {
      ...referenceBackend,
      matMul: (a, b) => {
        if (meter.enabled) {
          const even = [1, 1, 1, 1];
          const skewed = step === 1 ? [0, 4, 0, 0] : [0, 0, 0, 4];
          meter.shares!.push({ fn: 'gemmShared', ms: even }, { fn: 'packBShared', ms: skewed });
          meter.parallelMs! += 8;
          meter.studyMs! += 0.5;
        }
        return referenceBackend.matMul(a, b);
      },
    };
    const profiler = new StepProfiler(0, meter);
    const b = profiler.wrap(backend);
    const x = tensor([1, 1], [2]);
    for (step = 0; step < 2; step++) {
      profiler.beginStep();
      profiler.inPhase('forward', () => b.matMul(x, x));
      profiler.endStep();
    }
    const r = profiler.report();
    const op = r.ops.find((o) => o.name === 'matMul (forward)')!;
    expect(op.parallelMs).toBe(8);
    expect(op.studyMs).toBe(0.5);
    expect(op.passes).toEqual([
      { fn: 'gemmShared', sharedMs: 4, slowestMs: 1, shares: 4 },
      // Shares' means over the two steps: [0, 2, 0, 2].
      { fn: 'packBShared', sharedMs: 4, slowestMs: 2, shares: 4 },
    ]);
    expect(op.slowestShareMs).toBe(3);
    expect(r.slowestShareMs).toBe(3);
    expect(r.studyMs).toBe(0.5);
    expect(meter.shares).toEqual([]);

    const text = formatProfile(r, 4, 4);
    expect(text).toMatch(
      /^partition study, 4 threads \(each share run alone here, timed; the study's own 0\.50 ms\/step left out\)/m,
    );
    expect(text).toMatch(
      /^on 4 cores a step takes [\d.]+ ms as the home ranges split it: [\d.]+ on one thread plus the slowest shares, [\d.]+x one thread \(stealing can only shorten it; at least [\d.]+ ms with even shares\)/m,
    );
    // Only the uneven pass is listed: its slowest share (2 ms) over an even one (1 ms).
    expect(text).toMatch(
      /^uneven passes \(slowest share over an even one, ms\/step\): packBShared in matMul \(forward\) \+1\.00 \(4 shares, balance 50%\)$/m,
    );
    expect(text).not.toMatch(/gemmShared in/);
    expect(text).toMatch(/^kernel \(phase\) +calls +ms\/step +serial ms +shared ms +slowest of 4 +balance$/m);
    expect(formatProfile(r, 4)).not.toMatch(/partition study/);
  });

  it('the bound: the one-thread step without the study, its serial part plus the slowest shares; even shares beside it', () => {
    // A 13 ms step of which 1 ms was the study's own and 10 ms shared passes: 2 ms serial; slowest shares 1.25 ms.
    const b = partitionBound({ msPerStep: 13, studyMs: 1, parallelMs: 10, slowestShareMs: 1.25 }, 16);
    expect(b.oneThreadMs).toBe(12);
    expect(b.serialMs).toBe(2);
    expect(b.ms).toBe(3.25);
    expect(b.evenMs).toBe(2 + 10 / 16);
    expect(b.balance).toBe(0.5);
    expect(b.speedup).toBeCloseTo(12 / 3.25, 12);
    expect(partitionBound({ msPerStep: 5, studyMs: 0, parallelMs: 0, slowestShareMs: 0 }, 16).balance).toBe(1);
  });
});
