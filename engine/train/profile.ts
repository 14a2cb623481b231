/**
 * Where a training step's time goes: per phase (forward, backward, loss, optimizer, the rest of the loop), per layer
 * and per kernel, and, inside the fast kernels, the copies across the wasm boundary. Time in a layer that no kernel
 * accounts for is the layer's own JavaScript (reshapes, per-channel bookkeeping, allocation); time in a step that no
 * layer or phase accounts for is the loop's (batching, events, the garbage collector).
 */
import type { Backend } from '../kernels/types';

export type Phase = 'forward' | 'backward' | 'loss' | 'optimizer' | 'loop';
export const PHASES: readonly Phase[] = ['forward', 'backward', 'loss', 'optimizer', 'loop'];

/**
 * What a fast backend tells a profiler about one kernel call: its copies into and out of wasm memory, and the wall
 * time of its passes shared by several threads.
 */
export interface CopyMeter {
  enabled: boolean;
  ms: number;
  bytes: number;
  parallelMs?: number;
  /** In a partition study (RuntimeOptions.studyThreads): each shared pass's kernel and its shares' times, in order. */
  shares?: { fn: string; ms: number[] }[];
  /** In a partition study: the study's own time around the shares. */
  studyMs?: number;
}

interface Cell {
  ms: number;
  calls: number;
  copyMs: number;
  copyBytes: number;
  parallelMs: number;
  studyMs: number;
  /** A partition study's passes, by their place in the call and their kernel: each share's time, summed. */
  passes: Map<string, { fn: string; ms: number[] }>;
}

const cell = (): Cell => ({ ms: 0, calls: 0, copyMs: 0, copyBytes: 0, parallelMs: 0, studyMs: 0, passes: new Map() });

/** A shared pass of a partition study, per step: its work on one thread, and its slowest share (mean over steps). */
export interface StudiedPassRow {
  fn: string;
  sharedMs: number;
  slowestMs: number;
  shares: number;
}

export interface ProfileRow {
  name: string;
  ms: number;
  calls: number;
  copyMs: number;
  copyMB: number;
  /** Of ms, the wall time of passes shared by several threads (in a partition study: their shares' sum). */
  parallelMs: number;
  /**
   * In a partition study, each shared pass's slowest share (each share's time averaged over the steps: the split's
   * own unevenness, not one step's noise, which threads that steal whole slices from each other even out), summed;
   * otherwise 0.
   */
  slowestShareMs: number;
  /** In a partition study, the kernel's shared passes, and the study's own time in its calls (not the kernel's). */
  passes: StudiedPassRow[];
  studyMs: number;
}

export interface LayerRow {
  name: string;
  className: string;
  forwardMs: number;
  backwardMs: number;
  /** Of forward + backward, the time in kernels. */
  kernelMs: number;
  /** Run as that layer's epilogue (a relu after a BatchNormalization): its time is that layer's. */
  fusedInto?: string;
}

export interface ProfileReport {
  steps: number;
  msPerStep: number;
  /** Per step, time in kernels (copies included) and outside them. */
  kernelMs: number;
  outsideKernelsMs: number;
  copyMs: number;
  /** Per step, the wall time of passes shared by several threads; everything else ran on one thread. */
  parallelMs: number;
  /** Per step, in a partition study: each shared pass's slowest share, summed (0 otherwise). */
  slowestShareMs: number;
  /** Per step, in a partition study: the study's own time (isolating and timing the shares), not the step's. */
  studyMs: number;
  phases: { phase: Phase; ms: number }[];
  layers: LayerRow[];
  ops: ProfileRow[];
}

const now = () => performance.now();

/** Backend methods that are not kernels: timed as what they run, not as a call. */
const NOT_KERNELS = new Set<string>(['stepScope', 'dispose']);

export class StepProfiler {
  private phase: Phase = 'loop';
  private layer: { name: string; className: string } | null = null;
  private readonly ops = new Map<string, Cell>();
  private readonly layers = new Map<
    string,
    { className: string; forward: number; backward: number; kernel: number; fusedInto?: string }
  >();
  private readonly phases = new Map<Phase, number>();
  private stepStart = 0;
  private totalMs = 0;
  private steps = 0;
  private skipped = 0;
  private recording = false;
  private inKernel = false;

  /** Steps before this many are run but not counted (compilation, first allocations, workers starting). */
  constructor(
    readonly warmupSteps = 3,
    private readonly meter?: CopyMeter,
  ) {}

  /** The backend every layer should call: each kernel call is timed and charged to the current layer and phase. */
  wrap(backend: Backend): Backend {
    const wrapped: Record<string, unknown> = {};
    for (const key of Object.keys(backend) as (keyof Backend)[]) {
      const value = backend[key];
      if (typeof value !== 'function' || NOT_KERNELS.has(key)) continue;
      wrapped[key] = (...args: unknown[]) =>
        this.kernel(key, () => (value as (...a: unknown[]) => unknown).apply(backend, args));
    }
    // Getters (threads, live workers) and plain fields read through to the backend.
    return new Proxy(backend, {
      get: (target, key) => (key in wrapped ? wrapped[key as string] : Reflect.get(target, key)),
    });
  }

  beginStep(): void {
    this.recording = this.skipped >= this.warmupSteps;
    this.stepStart = now();
    this.phase = 'loop';
  }

  endStep(): void {
    if (this.recording) {
      this.totalMs += now() - this.stepStart;
      this.steps++;
    } else this.skipped++;
    this.recording = false;
  }

  /** Runs fn as the given phase of the step. */
  inPhase<T>(phase: Phase, fn: () => T): T {
    const prev = this.phase;
    this.phase = phase;
    const t0 = now();
    try {
      return fn();
    } finally {
      if (this.recording) this.phases.set(phase, (this.phases.get(phase) ?? 0) + now() - t0);
      this.phase = prev;
    }
  }

  /** Runs fn as one layer's forward or backward. */
  inLayer<T>(name: string, className: string, fn: () => T): T {
    const prev = this.layer;
    this.layer = { name, className };
    const t0 = now();
    try {
      return fn();
    } finally {
      if (this.recording) {
        const row = this.layerRow(name, className);
        const ms = now() - t0;
        if (this.phase === 'backward') row.backward += ms;
        else row.forward += ms;
      }
      this.layer = prev;
    }
  }

  private layerRow(name: string, className: string) {
    let row = this.layers.get(name);
    if (!row) {
      row = { className, forward: 0, backward: 0, kernel: 0 };
      this.layers.set(name, row);
    }
    return row;
  }

  /** A layer that ran as `into`'s epilogue this step (engine/train/executor.ts): listed, its time in `into`'s. */
  fused(name: string, className: string, into: string): void {
    if (this.recording) this.layerRow(name, className).fusedInto = into;
  }

  private kernel<T>(op: string, fn: () => T): T {
    // A kernel called from inside another (none today) is the outer one's time.
    if (!this.recording || this.inKernel) return fn();
    this.inKernel = true;
    const m = this.meter;
    const copy0 = m?.ms ?? 0,
      bytes0 = m?.bytes ?? 0,
      parallel0 = m?.parallelMs ?? 0,
      study0 = m?.studyMs ?? 0,
      passes0 = m?.shares?.length ?? 0;
    if (m) m.enabled = true;
    const t0 = now();
    try {
      return fn();
    } finally {
      const ms = now() - t0;
      if (m) m.enabled = false;
      this.inKernel = false;
      const key = `${this.phase}\u0000${op}`;
      let c = this.ops.get(key);
      if (!c) {
        c = cell();
        this.ops.set(key, c);
      }
      c.ms += ms;
      c.calls++;
      c.copyMs += (m?.ms ?? 0) - copy0;
      c.copyBytes += (m?.bytes ?? 0) - bytes0;
      c.parallelMs += (m?.parallelMs ?? 0) - parallel0;
      c.studyMs += (m?.studyMs ?? 0) - study0;
      for (const [i, pass] of (m?.shares?.splice(passes0) ?? []).entries()) {
        const key = `${i}\u0000${pass.fn}`;
        let p = c.passes.get(key);
        if (!p) {
          p = { fn: pass.fn, ms: [] };
          c.passes.set(key, p);
        }
        for (const [t, ms] of pass.ms.entries()) p.ms[t] = (p.ms[t] ?? 0) + ms;
      }
      if (this.layer) this.layerRow(this.layer.name, this.layer.className).kernel += ms;
    }
  }

  report(): ProfileReport {
    const n = Math.max(this.steps, 1);
    const ops = [...this.ops].map(([key, c]) => {
      const [phase, op] = key.split('\u0000');
      const passes = [...c.passes.values()].map((p) => ({
        fn: p.fn,
        sharedMs: p.ms.reduce((a, b) => a + b, 0) / n,
        slowestMs: Math.max(...p.ms) / n,
        shares: p.ms.length,
      }));
      return {
        name: `${op} (${phase})`,
        ms: c.ms / n,
        calls: c.calls / n,
        copyMs: c.copyMs / n,
        copyMB: c.copyBytes / n / 2 ** 20,
        parallelMs: c.parallelMs / n,
        studyMs: c.studyMs / n,
        slowestShareMs: passes.reduce((a, p) => a + p.slowestMs, 0),
        passes,
      };
    });
    ops.sort((a, b) => b.ms - a.ms);
    const kernelMs = ops.reduce((s, o) => s + o.ms, 0);
    const layers = [...this.layers].map(([name, r]) => ({
      name,
      className: r.className,
      forwardMs: r.forward / n,
      backwardMs: r.backward / n,
      kernelMs: r.kernel / n,
      ...(r.fusedInto && { fusedInto: r.fusedInto }),
    }));
    const msPerStep = this.totalMs / n;
    const phases: { phase: Phase; ms: number }[] = PHASES.filter((p) => p !== 'loop').map((phase) => ({
      phase,
      ms: (this.phases.get(phase) ?? 0) / n,
    }));
    phases.push({ phase: 'loop', ms: Math.max(0, msPerStep - phases.reduce((s, p) => s + p.ms, 0)) });
    return {
      steps: this.steps,
      msPerStep,
      kernelMs,
      outsideKernelsMs: Math.max(0, msPerStep - kernelMs),
      copyMs: ops.reduce((s, o) => s + o.copyMs, 0),
      parallelMs: ops.reduce((s, o) => s + o.parallelMs, 0),
      slowestShareMs: ops.reduce((s, o) => s + o.slowestShareMs, 0),
      studyMs: ops.reduce((s, o) => s + o.studyMs, 0),
      phases,
      layers,
      ops,
    };
  }
}

const pct = (part: number, whole: number) => `${((100 * part) / Math.max(whole, 1e-9)).toFixed(1).padStart(5)}%`;
const ms = (v: number) => v.toFixed(2).padStart(8);

/** The thread count a desktop has, for the bound on what more threads could give. */
export const DESKTOP_THREADS = 16;

/**
 * Amdahl's bound: with `threads` now, a step of msPerStep of which parallelMs ran on every thread, `more` threads take
 * at least the serial rest plus the shared part sped up by more/threads (perfect scaling of what is shared today).
 */
export function threadBound(r: Pick<ProfileReport, 'msPerStep' | 'parallelMs'>, threads: number, more: number) {
  const serialMs = Math.max(0, r.msPerStep - r.parallelMs);
  const ms = serialMs + (r.parallelMs * threads) / more;
  return { serialMs, ms, speedup: r.msPerStep / Math.max(ms, 1e-9) };
}

/**
 * A partition study's verdict (RuntimeOptions.studyThreads): the step ran on one thread, each shared pass split as
 * `threads` threads would split it, each share timed alone. On that many cores a step takes what ran on one thread
 * plus each pass's slowest share as the home ranges split it (`ms`; threads that steal slices from a slower range can
 * only shorten it), and at least what ran on one thread plus the shared work over `threads` (`evenMs`, perfectly
 * even shares). Balance: the even time over the slowest, for the shared passes alone. The study's own time around the shares is not the step's. What the study
 * can't see, and a machine with that many cores adds: memory bandwidth and caches shared by the cores, and waking
 * the workers.
 */
export function partitionBound(
  r: Pick<ProfileReport, 'msPerStep' | 'parallelMs' | 'slowestShareMs' | 'studyMs'>,
  threads: number,
) {
  const oneThreadMs = Math.max(0, r.msPerStep - r.studyMs);
  const serialMs = Math.max(0, oneThreadMs - r.parallelMs);
  const ms = serialMs + r.slowestShareMs;
  const evenMs = serialMs + r.parallelMs / threads;
  const balance = r.slowestShareMs > 0 ? r.parallelMs / (threads * r.slowestShareMs) : 1;
  return { oneThreadMs, serialMs, ms, evenMs, balance, speedup: oneThreadMs / Math.max(ms, 1e-9) };
}

/** Passes a partition study found uneven enough to cost this much a step over even shares are listed. */
const UNEVEN_MS = 0.01;

/**
 * The report as the CLI prints it: summary lines, then phases, layers and kernels, heaviest first. studyThreads: the
 * run was a partition study of that many threads (partitionBound), and the kernels' table shows each one's balance.
 */
export function formatProfile(r: ProfileReport, threads?: number, studyThreads?: number): string {
  const total = r.msPerStep;
  const lines = [
    `profile: ${r.steps} steps timed, ${total.toFixed(2)} ms/step (${(1000 / Math.max(total, 1e-9)).toFixed(2)} steps/s)` +
      `${threads ? ` on ${threads} thread(s)` : ''}; kernels ${pct(r.kernelMs, total).trim()} (of which copies across` +
      ` the wasm boundary ${pct(r.copyMs, total).trim()}), outside kernels ${pct(r.outsideKernelsMs, total).trim()}`,
  ];
  if (studyThreads) {
    const b = partitionBound(r, studyThreads);
    lines.push(
      `partition study, ${studyThreads} threads (each share run alone here, timed; the study's own ${r.studyMs.toFixed(2)} ` +
        `ms/step left out): a step is ${b.oneThreadMs.toFixed(2)} ms on one thread, ${r.parallelMs.toFixed(2)} ms of it ` +
        `in shared passes; split ${studyThreads} ways, their slowest shares sum to ${r.slowestShareMs.toFixed(2)} ms ` +
        `(even shares: ${(r.parallelMs / studyThreads).toFixed(2)} ms, balance ${(100 * b.balance).toFixed(0)}%)`,
      `on ${studyThreads} cores a step takes ${b.ms.toFixed(2)} ms as the home ranges split it: ${b.serialMs.toFixed(2)} ` +
        `on one thread plus the slowest shares, ${b.speedup.toFixed(1)}x one thread (stealing can only shorten it; at ` +
        `least ${b.evenMs.toFixed(2)} ms with even shares); not counted: memory bandwidth and caches the cores share, ` +
        `waking the workers`,
    );
    const uneven = r.ops
      .flatMap((o) => o.passes.map((p) => ({ ...p, op: o.name, lost: p.slowestMs - p.sharedMs / studyThreads })))
      .filter((p) => p.lost >= UNEVEN_MS)
      .sort((a, b) => b.lost - a.lost);
    if (uneven.length)
      lines.push(
        `uneven passes (slowest share over an even one, ms/step): ${uneven
          .map(
            (p) =>
              `${p.fn} in ${p.op} +${p.lost.toFixed(2)} (${p.shares} shares, balance ` +
              `${((100 * p.sharedMs) / studyThreads / Math.max(p.slowestMs, 1e-9)).toFixed(0)}%)`,
          )
          .join('; ')}`,
      );
  } else if (threads && threads > 1 && threads < DESKTOP_THREADS) {
    const b = threadBound(r, threads, DESKTOP_THREADS);
    lines.push(
      `threads: ${r.parallelMs.toFixed(2)} ms/step (${pct(r.parallelMs, total).trim()}) in passes shared by ${threads} ` +
        `threads, ${b.serialMs.toFixed(2)} ms (${pct(b.serialMs, total).trim()}) on one; on ${DESKTOP_THREADS} threads ` +
        `a step takes at least ${b.ms.toFixed(2)} ms (at most ${b.speedup.toFixed(1)}x this run)`,
    );
  } else if (threads && threads > 1)
    lines.push(
      `threads: ${r.parallelMs.toFixed(2)} ms/step (${pct(r.parallelMs, total).trim()}) in passes shared by ${threads} ` +
        `threads, ${Math.max(0, total - r.parallelMs).toFixed(2)} ms on one`,
    );
  lines.push(
    '',
    'phase          ms/step   share',
    ...r.phases.map((p) => `${p.phase.padEnd(12)} ${ms(p.ms)}  ${pct(p.ms, total)}`),
    '',
    'layer                        forward  backward   kernels   outside   share',
    ...[...r.layers]
      .sort((a, b) => b.forwardMs + b.backwardMs - (a.forwardMs + a.backwardMs))
      .map((l) => {
        const all = l.forwardMs + l.backwardMs;
        const label = `${l.name} (${l.className})`.slice(0, 26).padEnd(26);
        if (l.fusedInto && all === 0) return `${label} run in ${l.fusedInto}'s pass`;
        return `${label} ${ms(l.forwardMs)}  ${ms(l.backwardMs)}  ${ms(l.kernelMs)}  ${ms(all - l.kernelMs)}  ${pct(all, total)}`;
      }),
    '',
    ...(studyThreads
      ? [
          `kernel (phase)                          calls    ms/step   serial ms   shared ms  slowest of ${String(studyThreads).padEnd(3)} balance`,
          ...r.ops.map((o) => {
            const own = o.ms - o.studyMs;
            return (
              `${o.name.slice(0, 38).padEnd(38)} ${o.calls.toFixed(1).padStart(6)}  ${ms(own)}    ${ms(own - o.parallelMs)}    ` +
              `${ms(o.parallelMs)}     ${ms(o.slowestShareMs)}  ` +
              `${o.slowestShareMs > 0 ? pct(o.parallelMs / studyThreads, o.slowestShareMs) : '     -'}`
            );
          }),
        ]
      : [
          'kernel (phase)                          calls    ms/step  threaded ms  copies ms  copies MB   share',
          ...r.ops.map(
            (o) =>
              `${o.name.slice(0, 38).padEnd(38)} ${o.calls.toFixed(1).padStart(6)}  ${ms(o.ms)}     ${ms(o.parallelMs)}   ${ms(o.copyMs)}   ${o.copyMB.toFixed(1).padStart(8)}  ${pct(o.ms, total)}`,
          ),
        ]),
    `outside kernels (JS glue, allocation, layout, loop) ${ms(r.outsideKernelsMs)}  ${pct(r.outsideKernelsMs, total)}`,
  );
  return lines.join('\n');
}
