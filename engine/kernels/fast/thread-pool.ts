/**
 * Runs wasm kernel calls on several threads that share one WebAssembly.Memory. The caller's thread takes the first
 * task itself, then takes back every posted task that no worker has started yet and waits only for those already
 * running, so kernels stay synchronous and a worker that wakes late never delays an op: the tasks of one op share
 * its chunks through atomic counters (wasm/claim.ts: each thread its home range first, then the others'), so what a
 * late worker would have done the caller has already done.
 * A worker that has just run a task spins on its slot for a moment before it sleeps (Atomics.wait): the passes of a
 * training step follow each other within microseconds, and waking a sleeping thread costs tens of microseconds (far
 * more on a busy machine), as much as a whole pass over a 64K-float tensor.
 * Workers are started on the first multi-threaded call, reused, unref'd (they never keep a process alive), and
 * stopped by dispose(). A worker that fails or doesn't answer is dropped and the op is redone on the caller's thread.
 */
type WorkerLike = { terminate(): Promise<number>; unref(): void; on(event: 'error', cb: (e: unknown) => void): void };
export type WorkerConstructor = new (code: string, options: { eval: true; workerData: unknown }) => WorkerLike;

export interface Task {
  fn: string;
  args: number[];
}

/** How often workers took the tasks posted to them (the rest the caller took back): a profiler's figure. */
export interface PoolStats {
  posted: number;
  taken: number;
}

const SLOT_INTS = 64;
// A slot's ints: the task's sequence number, the last one finished, the function, its failure flag and argument
// count, and the slot's state.
const SEQ = 0,
  DONE = 1,
  FN = 2,
  FAILED = 3,
  ARGC = 4,
  STATE = 5;
// IDLE → POSTED (caller) → RUNNING (the worker claims it) → IDLE, or POSTED → TAKEN_BACK (the caller claims it).
const IDLE = 0,
  POSTED = 1,
  RUNNING = 2,
  TAKEN_BACK = 3,
  QUIT = 4;
const ARGS_BYTE_OFFSET = 64;
const MAX_ARGS = 16;
/** A worker that has not answered in this long is considered lost (startup under load included). */
const TIMEOUT_MS = 30_000;
/**
 * How long a worker spins for the next task before it sleeps, and the caller for a running task before it sleeps.
 * 20 µs, not 0.3 ms: with other jobs on the cores (load average 4–6 on 2 cores) every one of nine alternating runs of
 * the training bench went faster (CNN 23.2–24.5 against 19.8–22.6 steps/s, the MLP 286–325 against 225–268) and mostly
 * on less CPU time: a worker spinning between a step's passes took the core from the thread with work. Back-to-back
 * passes still find it awake; a late one costs nothing, the caller takes its chunks back.
 */
const WORKER_SPIN_MS = 0.02;
const CALLER_SPIN_MS = 1;
/**
 * Inside a training step on a machine with a core to spare (hot): how long a worker spins between the step's passes
 * before it sleeps. The JavaScript between two passes (a layer's bookkeeping, BN's statistics) often takes longer
 * than 20 µs, and a sleeping worker woke too late for the next pass of a fraction of a millisecond: on the article
 * CNN, 1 ms steps ran 4.6% faster on a quiet 2-core machine (four alternating pairs, 18.9 vs 19.8 ms/step), but 14%
 * slower with three busy processes beside it (64.4 vs 56.6 ms/step), where the spinning took a core from the thread
 * with work; so a step runs hot only while the load average leaves a core (SPARE_LOAD).
 */
const HOT_SPIN_MS = 1;
/** Hot while the 1-minute load average is below this many times the pool's threads, plus one half. */
const SPARE_LOAD = 1.25;
/** How often the load average is read (it moves over a minute). */
const LOAD_CHECK_MS = 2000;
/** Slot 0 belongs to the caller, who never reads it: its int HOT says whether a step is running. */
const HOT = 6;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot, names } = workerData;
const fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control, slot * ${SLOT_INTS * 4}, ${SLOT_INTS});
const args = new Float64Array(control, slot * ${SLOT_INTS * 4} + ${ARGS_BYTE_OFFSET}, ${MAX_ARGS});
const hot = new Int32Array(control, ${HOT * 4}, 1);
const ready = () => { const s = Atomics.load(ctl, ${STATE}); return s === ${POSTED} || s === ${QUIT}; };
for (;;) {
  const seen = Atomics.load(ctl, ${SEQ});
  if (!ready()) {
    const start = performance.now();
    for (;;) {
      if (ready()) break;
      const now = performance.now();
      if (now - start >= ${WORKER_SPIN_MS} && (Atomics.load(hot, 0) === 0 || now - start >= ${HOT_SPIN_MS})) break;
    }
    if (!ready()) Atomics.wait(ctl, ${SEQ}, seen);
  }
  const state = Atomics.load(ctl, ${STATE});
  if (state === ${QUIT}) break;
  if (state !== ${POSTED} || Atomics.compareExchange(ctl, ${STATE}, ${POSTED}, ${RUNNING}) !== ${POSTED}) continue;
  const seq = Atomics.load(ctl, ${SEQ});
  try {
    fns[names[ctl[${FN}]]](...Array.from(args.subarray(0, ctl[${ARGC}])));
    ctl[${FAILED}] = 0;
  } catch (e) {
    ctl[${FAILED}] = 1;
  }
  // IDLE before DONE: once the caller sees DONE it may post again, and that post must not be overwritten.
  Atomics.store(ctl, ${STATE}, ${IDLE});
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

export class ThreadPool {
  private workers: (WorkerLike | null)[] = [];
  private readonly control: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly names: string[];
  /** Each export's index in names, and each slot's argument block: a post looks both up instead of making them. */
  private readonly fnIndex: Map<string, number>;
  private readonly argBlocks: Float64Array[];
  private seq = 0;
  private disposed = false;
  /** Whether the load average last read left a core to spare, and when it was read. */
  private spare = false;
  private loadCheckedAt = Number.NEGATIVE_INFINITY;
  readonly stats: PoolStats = { posted: 0, taken: 0 };

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly run0: (fn: string, args: number[]) => void,
    /** Threads including the caller's; 1 disables workers. */
    readonly size: number,
    private readonly Worker: WorkerConstructor | null,
    /** The machine's 1-minute load average (os.loadavg()[0]); null: steps never run hot. */
    private readonly loadAverage: (() => number) | null = null,
  ) {
    this.names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name);
    this.fnIndex = new Map(this.names.map((name, i) => [name, i]));
    this.control = new SharedArrayBuffer(Math.max(size, 1) * SLOT_INTS * 4);
    this.ctl = new Int32Array(this.control);
    this.argBlocks = Array.from(
      { length: Math.max(size, 1) },
      (_, slot) => new Float64Array(this.control, slot * SLOT_INTS * 4 + ARGS_BYTE_OFFSET, MAX_ARGS),
    );
  }

  /**
   * Runs tasks[0] here and offers the others to workers; returns when all that started are done. The tasks must
   * share their work through claim counters: one that no worker started by the time tasks[0] returns is taken back
   * unrun, its share already done here. False when a worker was lost or failed: the caller then redoes the whole op
   * on this thread (what the lost worker had claimed is unknown).
   */
  run(tasks: readonly Task[]): boolean {
    const posted: number[] = [];
    for (let i = 1; i < tasks.length; i++) if (this.post(i, tasks[i])) posted.push(i);
    if (tasks.length > 0) this.run0(tasks[0].fn, tasks[0].args);
    let ok = true;
    for (const i of posted) {
      const state = Atomics.compareExchange(this.ctl, i * SLOT_INTS + STATE, POSTED, TAKEN_BACK);
      if (state === POSTED) continue;
      this.stats.taken++;
      if (!this.await(i)) ok = false;
    }
    this.stats.posted += posted.length;
    return ok;
  }

  /**
   * A training step starts (true) or ends: in one, while the machine has a core to spare, workers spin longer
   * between tasks (HOT_SPIN_MS). Without a load average (no loadAverage given) steps never run hot.
   */
  setHot(on: boolean): void {
    if (on && this.loadAverage && performance.now() - this.loadCheckedAt > LOAD_CHECK_MS) {
      this.loadCheckedAt = performance.now();
      this.spare = this.loadAverage() < this.size * SPARE_LOAD + 0.5;
    }
    Atomics.store(this.ctl, HOT, on && this.spare ? 1 : 0);
  }

  /** Whether workers now spin through the gaps of a step. */
  get hot(): boolean {
    return Atomics.load(this.ctl, HOT) === 1;
  }

  /** Workers currently running (started and not dropped). */
  get liveWorkers(): number {
    return this.workers.filter((w) => w).length;
  }

  /** Stops every worker; later calls run on the caller's thread only. Resolves once the workers have exited. */
  dispose(): Promise<void> {
    this.disposed = true;
    const exits: Promise<unknown>[] = [];
    for (let slot = 1; slot < this.workers.length; slot++) exits.push(this.drop(slot));
    this.workers = [];
    return Promise.all(exits).then(() => undefined);
  }

  private worker(slot: number): WorkerLike | null {
    if (!this.Worker || slot >= this.size || this.disposed) return null;
    if (this.workers[slot] !== undefined) return this.workers[slot];
    try {
      const w = new this.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, control: this.control, slot, names: this.names },
      });
      w.unref();
      w.on('error', () => void this.drop(slot));
      this.workers[slot] = w;
    } catch {
      this.workers[slot] = null;
    }
    return this.workers[slot];
  }

  private post(slot: number, task: Task): boolean {
    if (!this.worker(slot) || task.args.length > MAX_ARGS) return false;
    const fn = this.fnIndex.get(task.fn);
    if (fn === undefined) return false;
    const base = slot * SLOT_INTS;
    this.argBlocks[slot].set(task.args);
    this.ctl[base + FN] = fn;
    this.ctl[base + ARGC] = task.args.length;
    this.seq = (this.seq % 0x3fffffff) + 1;
    // SEQ before STATE: a worker that claims the task reads SEQ next, and must see this one. It sleeps only while
    // SEQ equals what it read before it last found the slot not POSTED, and the notify comes after both stores.
    Atomics.store(this.ctl, base + SEQ, this.seq);
    Atomics.store(this.ctl, base + STATE, POSTED);
    Atomics.notify(this.ctl, base + SEQ);
    return true;
  }

  /** True when the worker finished its running task; false when it was lost (the caller then redoes the op). */
  private await(slot: number): boolean {
    const base = slot * SLOT_INTS;
    const want = Atomics.load(this.ctl, base + SEQ);
    // The rest of its share is a chunk or two: spin, then sleep.
    const spinUntil = performance.now() + CALLER_SPIN_MS;
    while (Atomics.load(this.ctl, base + DONE) !== want && performance.now() < spinUntil);
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.ctl, base + DONE);
      if (done === want) return this.ctl[base + FAILED] === 0;
      if (!this.workers[slot]) return false;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.drop(slot);
        return false;
      }
      Atomics.wait(this.ctl, base + DONE, done, Math.min(left, 100));
    }
  }

  private drop(slot: number): Promise<unknown> {
    const w = this.workers[slot];
    this.workers[slot] = null;
    if (!w) return Promise.resolve();
    Atomics.store(this.ctl, slot * SLOT_INTS + STATE, QUIT);
    Atomics.store(this.ctl, slot * SLOT_INTS + SEQ, -1);
    Atomics.notify(this.ctl, slot * SLOT_INTS + SEQ);
    return w.terminate().catch(() => undefined);
  }
}
