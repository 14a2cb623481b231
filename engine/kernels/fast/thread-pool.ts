/**
 * Runs wasm kernel calls on several threads that share one WebAssembly.Memory. The caller's thread takes the first
 * task itself and blocks (Atomics.wait) until the workers finish theirs, so kernels stay synchronous. The tasks of
 * one op share its chunks through an atomic counter, so a worker that hasn't started yet simply gets fewer.
 * Workers are started on the first multi-threaded call, reused, unref'd (they never keep a process alive), and
 * stopped by dispose(). A worker that fails or doesn't answer is dropped and the op is redone on the caller's thread.
 */
type WorkerLike = { terminate(): Promise<number>; unref(): void; on(event: 'error', cb: (e: unknown) => void): void };
export type WorkerConstructor = new (code: string, options: { eval: true; workerData: unknown }) => WorkerLike;

export interface Task {
  fn: string;
  args: number[];
}

const SLOT_INTS = 64;
const SEQ = 0, DONE = 1, FN = 2, FAILED = 3, ARGC = 4;
const ARGS_BYTE_OFFSET = 64;
const MAX_ARGS = 16;
const QUIT = -1;
/** A worker that has not answered in this long is considered lost (startup under load included). */
const TIMEOUT_MS = 30_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, control, slot, names } = workerData;
const fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(control, slot * ${SLOT_INTS * 4}, ${SLOT_INTS});
const args = new Float64Array(control, slot * ${SLOT_INTS * 4} + ${ARGS_BYTE_OFFSET}, ${MAX_ARGS});
let seen = 0;
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === ${QUIT}) break;
  seen = seq;
  try {
    fns[names[ctl[${FN}]]](...Array.from(args.subarray(0, ctl[${ARGC}])));
    ctl[${FAILED}] = 0;
  } catch (e) {
    ctl[${FAILED}] = 1;
  }
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

export class ThreadPool {
  private workers: (WorkerLike | null)[] = [];
  private readonly control: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly names: string[];
  private seq = 0;
  private disposed = false;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly run0: (fn: string, args: number[]) => void,
    /** Threads including the caller's; 1 disables workers. */
    readonly size: number,
    private readonly Worker: WorkerConstructor | null,
  ) {
    this.names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    this.control = new SharedArrayBuffer(Math.max(size, 1) * SLOT_INTS * 4);
    this.ctl = new Int32Array(this.control);
  }

  /**
   * Runs tasks[0] here and the others on workers; returns when all are done. False when a worker was lost or
   * failed: the caller then redoes the whole op on this thread (the kernels share work through a counter, so what
   * the lost worker had claimed is unknown).
   */
  run(tasks: readonly Task[]): boolean {
    const posted: number[] = [];
    for (let i = 1; i < tasks.length; i++) if (this.post(i, tasks[i])) posted.push(i);
    if (tasks.length > 0) this.run0(tasks[0].fn, tasks[0].args);
    let ok = true;
    for (const i of posted) if (!this.await(i)) ok = false;
    return ok;
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
    const base = slot * SLOT_INTS;
    const args = new Float64Array(this.control, slot * SLOT_INTS * 4 + ARGS_BYTE_OFFSET, MAX_ARGS);
    args.set(task.args);
    this.ctl[base + FN] = this.names.indexOf(task.fn);
    this.ctl[base + ARGC] = task.args.length;
    this.seq = (this.seq % 0x3fffffff) + 1;
    Atomics.store(this.ctl, base + SEQ, this.seq);
    Atomics.notify(this.ctl, base + SEQ);
    return true;
  }

  /** True when the worker finished its task; false when it was lost (the caller then redoes the task). */
  private await(slot: number): boolean {
    const base = slot * SLOT_INTS;
    const want = Atomics.load(this.ctl, base + SEQ);
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
    Atomics.store(this.ctl, slot * SLOT_INTS + SEQ, QUIT);
    Atomics.notify(this.ctl, slot * SLOT_INTS + SEQ);
    return w.terminate().catch(() => undefined);
  }
}
