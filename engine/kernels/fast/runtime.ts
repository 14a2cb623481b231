import { Arena } from './arena';
import { ThreadPool, type Task, type WorkerConstructor } from './thread-pool';

/** The compiled kernels, their shared memory, the allocator and the threads, as one fast backend owns them. */
export interface WasmRuntime {
  /** Calls an exported kernel on this thread. */
  call(fn: string, ...args: number[]): number;
  /** The kernels' exported sizes: gemm tiles (MR, NR, KC, MC), conv blocks (BLOCK pixels, WT Winograd tiles), CHUNK rows of a threaded memory pass. */
  constant(
    name:
      | 'MR'
      | 'NR'
      | 'KC'
      | 'MC'
      | 'BLOCK'
      | 'WT'
      | 'WT4'
      | 'CHUNK'
      | 'SMALL_STRIPES'
      | SmoothActivationConstant
      | CellActivationConstant
      | BinaryOpConstant,
  ): number;
  arena: Arena;
  pool: ThreadPool;
  relaxedSimd: boolean;
  /** The most bytes the wasm memory may grow to (RuntimeOptions.memoryLimitMiB). */
  memoryLimitBytes: number;
  /** A partition study's thread count (RuntimeOptions.studyThreads), or 0 in normal runs. */
  studyThreads: number;
}

export interface WasmBinaries {
  /** kernels-simd.wasm (plain SIMD): required. */
  simd: BufferSource;
  /** kernels-relaxed-simd.wasm: used only where the runtime validates it (Node 20 needs --experimental-wasm-relaxed-simd). */
  relaxedSimd?: BufferSource;
}

export interface RuntimeOptions {
  /** Threads for large ops, the caller's included; 1 keeps everything on the calling thread. */
  threads: number;
  Worker: WorkerConstructor | null;
  /** Most wasm memory the kernels may take; default 1024 (1 GiB). Larger ops fall back to the reference kernels. */
  memoryLimitMiB?: number;
  /** The machine's 1-minute load average, for ThreadPool.setHot; without it steps never run hot. */
  loadAverage?: (() => number) | null;
  /**
   * A partition study of this many threads instead of a pool (no workers): every op splits its work as it would on
   * that many threads, and each thread's share runs alone, one after another on the calling thread, and is timed
   * (runPool). How evenly a 16-core desktop's threads would share each pass, measured on any machine.
   */
  studyThreads?: number;
}

// The module declares 2 pages (64 KiB each) minimum; 1 GiB is far above what one layer's operands and scratch need.
const INITIAL_PAGES = 2;
const DEFAULT_LIMIT_MIB = 1024;

export async function createRuntime(binaries: WasmBinaries, options: RuntimeOptions): Promise<WasmRuntime> {
  const relaxedSimd = !!binaries.relaxedSimd && WebAssembly.validate(binaries.relaxedSimd);
  const module = await WebAssembly.compile(relaxedSimd ? (binaries.relaxedSimd as BufferSource) : binaries.simd);
  const maximum = Math.max(
    INITIAL_PAGES,
    Math.floor(((options.memoryLimitMiB ?? DEFAULT_LIMIT_MIB) * 2 ** 20) / 65536),
  );
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum, shared: true });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  const call = (fn: string, ...args: number[]): number => (exports[fn] as (...a: number[]) => number)(...args);
  const studyThreads = Math.max(0, Math.floor(options.studyThreads ?? 0));
  const pool = new ThreadPool(
    module,
    memory,
    (fn, args) => void call(fn, ...args),
    studyThreads || Math.max(1, options.threads),
    studyThreads ? null : options.Worker,
    studyThreads ? null : (options.loadAverage ?? null),
  );
  return {
    call,
    constant: (name) => (exports[name] as WebAssembly.Global).value as number,
    arena: new Arena(memory),
    pool,
    relaxedSimd,
    memoryLimitBytes: maximum * 65536,
    studyThreads,
  };
}

/** Bytes of one claim line (wasm/claim.ts addresses counters as r << 6): a thread's context, or one range's counter. */
const LINE = 64;

/**
 * The claim block of one op on `threads` threads (wasm/claim.ts): a context line per thread (thread count, its
 * index, ranges it has emptied, the counters' address) and a counter line per home range, each on its own cache
 * line so that threads working their own ranges never touch each other's lines. `ctx[t]` is thread t's context;
 * `reset()` zeroes the counters and what every thread has emptied, for a rerun; `isolate(t)` leaves thread t only
 * its home range (a partition study): every other range's counter starts past its end, so t finds them empty.
 */
export interface ClaimBlock {
  ctx: number[];
  reset(): void;
  isolate(thread: number): void;
}

/** A counter start past the end of any range (claims add at most a step per thread to it, and n < 2^28 floats). */
const EMPTIED = 1 << 30;

export function claimBlock(rt: WasmRuntime, threads: number): ClaimBlock {
  const { arena } = rt;
  const t = Math.max(1, threads);
  const base = Math.ceil(arena.alloc(((2 * t + 1) * LINE) / 4) / LINE) * LINE;
  const counters = base + t * LINE;
  const ctx = Array.from({ length: t }, (_, i) => base + i * LINE);
  const reset = () => {
    for (let i = 0; i < t; i++) {
      arena.setInt32(ctx[i], t);
      arena.setInt32(ctx[i] + 4, i);
      arena.setInt32(ctx[i] + 8, 0);
      arena.setInt32(ctx[i] + 12, counters);
      arena.setInt32(counters + i * LINE, 0);
    }
  };
  reset();
  const isolate = (thread: number) => {
    reset();
    for (let i = 0; i < t; i++) if (i !== thread) arena.setInt32(counters + i * LINE, EMPTIED);
  };
  return { ctx, reset, isolate };
}

/**
 * rt.pool.run, its wall time counted as shared by the threads (for a profiler) when there are several tasks. In a
 * partition study each task instead runs alone on this thread, its claims isolated to its home range (the ranges
 * cover the op, so the op is done once, as the threads would do it): the meter counts the shares' sum as shared
 * time, and lists each pass's shares (a profiler reads them: the slowest share is the pass's time on that many
 * threads).
 */
export function runPool(rt: WasmRuntime, tasks: Task[], claims: ClaimBlock): boolean {
  const meter = rt.arena.meter;
  if (rt.studyThreads && tasks.length > 1) {
    const start = performance.now();
    const ms = tasks.map((task, t) => {
      claims.isolate(t);
      const t0 = performance.now();
      rt.call(task.fn, ...task.args);
      return performance.now() - t0;
    });
    if (meter.enabled) {
      const sum = ms.reduce((a, b) => a + b, 0);
      meter.parallelMs += sum;
      meter.studyMs += performance.now() - start - sum;
      meter.shares.push({ fn: tasks[0].fn, ms });
    }
    return true;
  }
  const t0 = meter.enabled && tasks.length > 1 ? performance.now() : -1;
  const ran = rt.pool.run(tasks);
  if (t0 >= 0) meter.parallelMs += performance.now() - t0;
  return ran;
}

/**
 * Runs one op on `threads` threads that claim its chunks through a claim block; task(t, ctx) builds thread t's call
 * (its own scratch, and ctx, its claim context). Returns how many threads took part (1 when a lost worker forced a
 * rerun here), which is how many per-thread partial results hold data.
 */
export function runShared(rt: WasmRuntime, threads: number, task: (thread: number, ctx: number) => Task): number {
  const claims = claimBlock(rt, threads);
  const tasks = claims.ctx.map((ctx, t) => task(t, ctx));
  if (runPool(rt, tasks, claims)) return tasks.length;
  // Thread 0's context walks every range once its own is empty: alone, it does the whole op.
  claims.reset();
  rt.call(tasks[0].fn, ...tasks[0].args);
  return 1;
}

/**
 * Every thread for ops above this many FLOPs (about 0.1 ms of one core). Since the caller takes back what no worker
 * has started, a late worker costs an op nothing, so the bar is low: the batch-1 3×3×32→32 conv (12.5 MFLOP, which
 * ran slower on two threads when the caller waited for every worker) went 1.30× faster on two, and the article
 * CNN's first convolution (25 MFLOP) 1.6× (its layer 8.0 → 4.9 ms per training step).
 */
export const PARALLEL_FLOPS = 4e6;

export function threadsFor(runtime: WasmRuntime, flops: number): number {
  return flops >= PARALLEL_FLOPS ? runtime.pool.size : 1;
}

/**
 * Every thread for a memory-bound pass from this many floats (0.2–0.3 ms of one core): below it, waking the workers
 * costs more than they save, the more so on a busy machine where each wake-up waits for the scheduler (an MLP step
 * whose Adam update of 100K weights used two threads ran 1.5× its CPU time at a load average of 20).
 */
export const PARALLEL_FLOATS = 1 << 18;

/**
 * Runs a row-chunked kernel over `floats` values; args(ctx) builds a thread's arguments around its claim context.
 * Threaded only inside a step scope, where operands and result stay in wasm memory: outside one, this thread copies
 * the operands in and the result out, the data is in its cache, and a second thread sharing the pass made the
 * whole op slower (0.88–0.97× on 2 threads for BN, bias + relu and max pooling at 692K floats), not faster.
 */
export function runRows(rt: WasmRuntime, floats: number, fn: string, args: (ctx: number) => number[]): number {
  return runShared(rt, rt.arena.scoped && floats >= PARALLEL_FLOATS ? rt.pool.size : 1, (_, ctx) => ({
    fn,
    args: args(ctx),
  }));
}

/**
 * Whether the wasm kernel pays for an operand of n floats: always when it already lives in wasm memory (a result
 * kept by the step), otherwise from `small` values up, below which the copies cost more than the SIMD saves.
 */
export function worthWasm(rt: WasmRuntime, data: Float32Array, small: number): boolean {
  return data.length >= (rt.arena.locate(data) >= 0 ? 256 : small);
}

export type { Task };

/** The wasm codes of binaryRows's operations (engine/kernels/wasm/add.ts). */
export type BinaryOpConstant = 'OP_ADD' | 'OP_MUL' | 'OP_SUB' | 'OP_AVG' | 'OP_MAX' | 'OP_MIN';

/** The wasm codes of the recurrent cells' other activations (engine/kernels/wasm/activations.ts). */
export type CellActivationConstant = 'ACT_LINEAR' | 'ACT_RELU' | 'ACT_RELU6' | 'ACT_LEAKY_RELU';

/** The wasm codes of the smooth and piecewise activations (engine/kernels/wasm/activations.ts). */
export type SmoothActivationConstant =
  | 'ACT_SIGMOID'
  | 'ACT_TANH'
  | 'ACT_SILU'
  | 'ACT_GELU'
  | 'ACT_GELU_TANH'
  | 'ACT_ELU'
  | 'ACT_SELU'
  | 'ACT_EXP'
  | 'ACT_HARD_SIGMOID'
  | 'ACT_HARD_SILU'
  | 'ACT_SOFTPLUS'
  | 'ACT_SOFTSIGN'
  | 'ACT_MISH'
  | 'ACT_CELU'
  | 'ACT_LOG_SIGMOID'
  | 'ACT_TANH_SHRINK'
  | 'ACT_SQUAREPLUS'
  | 'ACT_HARD_TANH'
  | 'ACT_SPARSE_PLUS'
  | 'ACT_SPARSE_SIGMOID'
  | 'ACT_SOFT_SHRINK'
  | 'ACT_HARD_SHRINK';
