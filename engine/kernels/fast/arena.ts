/**
 * A bump allocator over the kernels' shared WebAssembly memory. Each kernel call resets it, copies its operands in,
 * takes its scratch, and copies the result out before returning, so nothing outlives a call and nothing is freed.
 * Inside a scope (one training step) results stay in wasm memory instead: `output` slots survive until the scope
 * ends, `result` hands them out as views (no copy, no JS allocation), and `copyIn` of such a view is free. Below
 * all of that, `pin` keeps blocks that outlive every call and scope until `unpin` (an optimizer's slots between
 * steps). The memory only grows, and only here (ensure): the kernels never allocate (built with AssemblyScript's
 * stub runtime, they use no heap), so the views are rebuilt right after a grow and never checked otherwise. Reading
 * `memory.buffer` of a shared memory costs about 0.15 µs, and the claim blocks of a 16-thread op wrote 80 values
 * through it (fast/runtime.ts claimBlock).
 */
const PAGE = 65536;
// The wasm module has no static data; the first page stays unused so a stray null pointer can't hit an operand.
const BASE = PAGE;
const ALIGN = 64;

/** An op whose operands and scratch don't fit in the wasm memory's maximum; the backend then uses the reference kernel. */
export class WasmMemoryLimitError extends RangeError {}

/**
 * Counted while `enabled` (a profiler's switch): time and bytes of the copies into and out of wasm memory, and the
 * wall time of the passes shared by several threads (the rest of a step runs on the caller's thread alone, and bounds
 * what more threads can give).
 */
export interface CopyMeter {
  enabled: boolean;
  ms: number;
  bytes: number;
  parallelMs: number;
  /** In a partition study (RuntimeOptions.studyThreads): each shared pass's kernel and its shares' times, in order. */
  shares: StudiedPass[];
  /** In a partition study: the study's own time around the shares (isolating each one's claims, timing it). */
  studyMs: number;
}

/** One pass of a partition study: the kernel and the time of each thread's share, run alone. */
export interface StudiedPass {
  fn: string;
  ms: number[];
}

/** A pinned block: [ptr, ptr + bytes), free once unpinned (reused first fit, and given back from the top). */
interface Pin {
  ptr: number;
  bytes: number;
  live: boolean;
}

export class Arena {
  private top = BASE;
  /** What the open scope keeps (its outputs) ends here; each call's scratch starts here. */
  private kept = BASE;
  /** Pinned blocks end here: scopes and calls start above it. */
  private floor = BASE;
  private readonly pins: Pin[] = [];
  private depth = 0;
  /** Every buffer object this memory has had: views made before a grow hold an older one. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  readonly meter: CopyMeter = { enabled: false, ms: 0, bytes: 0, parallelMs: 0, shares: [], studyMs: 0 };
  private view!: Float32Array;
  private ints!: Int32Array;
  /** The memory's size as of the last grow (or construction): what the views cover. */
  private bytes = 0;

  constructor(readonly memory: WebAssembly.Memory) {
    this.refresh();
  }

  reset(): void {
    this.top = this.kept;
  }

  /**
   * Runs fn with results kept in wasm memory (see `output`); what a kernel returns inside is valid until the
   * outermost scope ends, and must not be used after.
   */
  scope<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      if (--this.depth === 0) {
        this.trimPins();
        this.kept = this.top = this.floor;
      }
    }
  }

  /**
   * The byte address of `floats` slots that keep their contents across calls and scopes until unpin(ptr). Only
   * between scopes (a scope's results sit where a new block would go): -1 inside one. Throws WasmMemoryLimitError
   * when the memory can't grow to hold it.
   */
  pin(floats: number): number {
    if (this.depth > 0) return -1;
    const bytes = Math.ceil((floats * 4) / ALIGN) * ALIGN;
    const at = this.pins.findIndex((p) => !p.live && p.bytes >= bytes);
    if (at >= 0) {
      const block = this.pins[at];
      if (block.bytes > bytes)
        this.pins.splice(at + 1, 0, { ptr: block.ptr + bytes, bytes: block.bytes - bytes, live: false });
      block.bytes = bytes;
      block.live = true;
      return block.ptr;
    }
    const ptr = this.floor;
    this.ensure(ptr + bytes);
    this.pins.push({ ptr, bytes, live: true });
    this.floor = this.kept = this.top = ptr + bytes;
    return ptr;
  }

  /** Frees a block from pin(); the space is reused by later pins, or given back to the calls once on top. */
  unpin(ptr: number): void {
    const block = this.pins.find((p) => p.ptr === ptr && p.live);
    if (!block) return;
    block.live = false;
    for (let i = this.pins.length - 1; i > 0; i--) {
      const [a, b] = [this.pins[i - 1], this.pins[i]];
      if (!a.live && !b.live) {
        a.bytes += b.bytes;
        this.pins.splice(i, 1);
      }
    }
    if (this.depth === 0) {
      this.trimPins();
      this.kept = this.top = this.floor;
    }
  }

  /** Bytes pinned now (live blocks). */
  get pinnedBytes(): number {
    return this.pins.reduce((sum, p) => sum + (p.live ? p.bytes : 0), 0);
  }

  private trimPins(): void {
    while (this.pins.length && !this.pins[this.pins.length - 1].live) this.pins.pop();
    const last = this.pins[this.pins.length - 1];
    this.floor = last ? last.ptr + last.bytes : BASE;
  }

  get scoped(): boolean {
    return this.depth > 0;
  }

  /** A result's slots: kept until the scope ends when one is open (allocate outputs before scratch). */
  output(floats: number): number {
    const ptr = this.alloc(floats);
    if (this.depth > 0) this.kept = this.top;
    return ptr;
  }

  /** A result as the caller gets it: a view of its slots in a scope, a copy otherwise. */
  result(ptr: number, floats: number): Float32Array {
    if (this.depth > 0 && ptr + floats * 4 <= this.kept) return new Float32Array(this.f32().buffer, ptr, floats);
    return this.copyOut(ptr, floats);
  }

  /** The address of data that already lives in the open scope's kept slots, or -1. */
  locate(data: Float32Array): number {
    if (this.depth === 0 || !this.buffers.has(data.buffer)) return -1;
    const ptr = data.byteOffset;
    return ptr >= BASE && ptr + data.byteLength <= this.kept ? ptr : -1;
  }

  /** Byte address of `floats` fresh float32 slots (contents undefined). */
  alloc(floats: number): number {
    const ptr = this.top;
    const end = Math.ceil((ptr + floats * 4 + 16) / ALIGN) * ALIGN;
    this.ensure(end);
    this.top = end;
    return ptr;
  }

  /** Grows the memory to at least `bytes`. */
  private ensure(bytes: number): void {
    if (bytes <= this.bytes) return;
    try {
      this.memory.grow(Math.ceil((bytes - this.bytes) / PAGE));
    } catch {
      throw new WasmMemoryLimitError(
        `an op needs ${Math.ceil(bytes / 2 ** 20)} MiB of wasm memory, more than it can have`,
      );
    }
    this.refresh();
  }

  zeros(floats: number): number {
    const ptr = this.alloc(floats);
    this.f32().fill(0, ptr >> 2, (ptr >> 2) + floats);
    return ptr;
  }

  /** data's address in wasm memory: where it already lives, or a fresh copy. */
  copyIn(data: Float32Array): number {
    const at = this.locate(data);
    if (at >= 0) return at;
    const ptr = this.alloc(data.length);
    const t0 = this.meter.enabled ? performance.now() : 0;
    this.f32().set(data, ptr >> 2);
    if (this.meter.enabled) this.count(t0, data.length);
    return ptr;
  }

  private count(t0: number, floats: number): void {
    this.meter.ms += performance.now() - t0;
    this.meter.bytes += floats * 4;
  }

  ints32(values: readonly number[]): number {
    const ptr = this.alloc(values.length);
    this.i32().set(values, ptr >> 2);
    return ptr;
  }

  setInt32(ptr: number, value: number): void {
    Atomics.store(this.i32(), ptr >> 2, value);
  }

  copyOut(ptr: number, floats: number): Float32Array {
    // The typed-array constructor copies at memcpy speed (0.14 ms for 2.7 MB when measured alone); what a large
    // result really costs is the fresh JS allocation and the GC work it brings, which every backend pays alike.
    const t0 = this.meter.enabled ? performance.now() : 0;
    const out = new Float32Array(this.f32().subarray(ptr >> 2, (ptr >> 2) + floats));
    if (this.meter.enabled) this.count(t0, floats);
    return out;
  }

  /** A copy of `count` float64 values at ptr (small per-channel results). */
  readF64(ptr: number, count: number): Float64Array {
    return Float64Array.from(new Float64Array(this.view.buffer, ptr, count));
  }

  f32(): Float32Array {
    return this.view;
  }

  private i32(): Int32Array {
    return this.ints;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    this.bytes = buffer.byteLength;
    this.view = new Float32Array(buffer);
    this.ints = new Int32Array(buffer);
  }
}
