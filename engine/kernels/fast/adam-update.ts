import { adamUpdate as referenceAdamUpdate, type AdamStep, type AdamVariable } from '../adam-update';
import { WasmMemoryLimitError } from './arena';
import { claimBlock, runPool, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the SIMD saves. */
const SMALL = 4096;

/**
 * Every thread from this many values. Adam is compute-bound (an f64 division and square root per value), 32K
 * values about 0.15 ms of one core, where a memory pass of as many floats takes a tenth of that (PARALLEL_FLOATS).
 */
export const PARALLEL_ADAM = 1 << 15;

/**
 * An optimizer's two slots of one variable kept in wasm memory between steps, twice each: a step reads one copy and
 * writes the other (then they swap), so the slots it started from are intact if a lost worker forces a rerun.
 * While resident, the JavaScript arrays the optimizer passes are only the keys: their contents are stale until
 * handed back (release).
 */
interface Resident {
  m: Float32Array;
  v: Float32Array;
  /** The blocks: m then v, each [copy 0, copy 1]. */
  blocks: [number, number, number, number];
  /** Which copy holds the current slots. */
  current: 0 | 1;
}

/**
 * Per runtime: the resident slots by their m array, and the slot pairs seen in a step that are to move in before the
 * next one (pinning needs no scope open: fast/arena.ts pin).
 */
interface Residency {
  byM: WeakMap<Float32Array, Resident>;
  wanted: { m: WeakRef<Float32Array>; v: WeakRef<Float32Array> }[];
  /** In `wanted` already, or refused for want of memory (never asked again). */
  asked: WeakSet<Float32Array>;
  freed: FinalizationRegistry<number[]>;
}

const residencies = new WeakMap<WasmRuntime, Residency>();

function residency(rt: WasmRuntime): Residency {
  let r = residencies.get(rt);
  if (!r) {
    const arena = rt.arena;
    r = {
      byM: new WeakMap(),
      wanted: [],
      asked: new WeakSet(),
      // The optimizer dropped its slots: their blocks go back to the arena.
      freed: new FinalizationRegistry((blocks) => {
        for (const b of blocks) arena.unpin(b);
      }),
    };
    residencies.set(rt, r);
  }
  return r;
}

/**
 * The share of the wasm memory's limit that pinned slots may take: the rest stays for the ops, which would otherwise
 * fall back to the reference kernels on a large model whose slots had filled the memory.
 */
const PIN_SHARE = 0.25;

/**
 * Between steps (no scope open): moves the slot pairs the last step updated into pinned wasm memory, so later steps
 * copy only the weights in and out (a third of the traffic: the MLP's Adam took 23% of its step, mostly copies).
 * A pair that doesn't fit, or would take the pinned slots past PIN_SHARE of the memory limit, stays in JavaScript.
 */
export function adoptAdamSlots(rt: WasmRuntime): void {
  const r = residencies.get(rt);
  if (!r || r.wanted.length === 0 || rt.arena.scoped) return;
  const wanted = r.wanted.splice(0);
  for (const w of wanted) {
    const m = w.m.deref(),
      v = w.v.deref();
    if (!m || !v || r.byM.has(m)) continue;
    if (rt.arena.pinnedBytes + 16 * m.length > PIN_SHARE * rt.memoryLimitBytes) continue;
    r.asked.delete(m);
    const blocks: number[] = [];
    try {
      for (let i = 0; i < 4; i++) blocks.push(rt.arena.pin(m.length));
    } catch (e) {
      for (const b of blocks) rt.arena.unpin(b);
      if (!(e instanceof WasmMemoryLimitError)) throw e;
      r.asked.add(m);
      continue;
    }
    const memory = rt.arena.f32();
    memory.set(m, blocks[0] >> 2);
    memory.set(v, blocks[2] >> 2);
    r.byM.set(m, { m, v, blocks: blocks as Resident['blocks'], current: 0 });
    r.freed.register(m, blocks, m);
  }
}

/** Writes resident slots back into their JavaScript arrays and frees their blocks (before any path that reads them). */
function release(rt: WasmRuntime, r: Residency, s: Resident): void {
  const memory = rt.arena.f32();
  const n = s.m.length;
  const [m, v] = [s.blocks[s.current] >> 2, s.blocks[2 + s.current] >> 2];
  s.m.set(memory.subarray(m, m + n));
  s.v.set(memory.subarray(v, v + n));
  r.byM.delete(s.m);
  r.freed.unregister(s.m);
  for (const b of s.blocks) rt.arena.unpin(b);
}

/**
 * The reference's update in f64 SIMD (bit-identical to it), threaded over chunks. The weights go in and come back;
 * the gradient goes in without a copy when it is a kernel result of the step; the slots m and v are copied in and
 * back on a step's first use, and from the next step on live in wasm memory (adoptAdamSlots), where they stay until
 * the optimizer drops them (or a fallback to the reference needs them back in its arrays).
 */
export function fastAdamUpdate(
  rt: WasmRuntime,
  value: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  p: AdamStep,
): void {
  const n = value.length;
  const r = residencies.get(rt);
  const held = r?.byM.get(m);
  const fits = grad.length === n && m.length === n && v.length === n;
  if (held && (held.v !== v || !fits)) release(rt, r as Residency, held);
  const resident = held && held.v === v && fits ? held : undefined;
  if (!resident && (n < SMALL || !fits)) {
    referenceAdamUpdate(value, grad, m, v, p);
    return;
  }
  try {
    if (resident) residentStep(rt, resident, value, grad, p);
    else copiedStep(rt, value, grad, m, v, p);
  } catch (e) {
    // The backend falls back to the reference on a memory limit: it must find the current slots in the arrays.
    if (resident && e instanceof WasmMemoryLimitError) release(rt, r as Residency, resident);
    throw e;
  }
}

function copiedStep(
  rt: WasmRuntime,
  value: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  p: AdamStep,
) {
  const { arena } = rt;
  const n = value.length;
  arena.reset();
  const pw = arena.alloc(n),
    pm = arena.alloc(n),
    pv = arena.alloc(n),
    pg = arena.copyIn(grad);
  const start = () => {
    const memory = arena.f32();
    memory.set(value, pw >> 2);
    memory.set(m, pm >> 2);
    memory.set(v, pv >> 2);
  };
  // In place: after a lost worker the whole step is redone on this thread from the original values.
  run(rt, n, 'adamUpdate', [pw, pg, pm, pv, pm, pv, n], p, start);
  const memory = arena.f32();
  value.set(memory.subarray(pw >> 2, (pw >> 2) + n));
  m.set(memory.subarray(pm >> 2, (pm >> 2) + n));
  v.set(memory.subarray(pv >> 2, (pv >> 2) + n));
  // Inside a step the slots move into wasm memory before the next one.
  if (arena.scoped) {
    const res = residency(rt);
    if (!res.asked.has(m)) {
      res.asked.add(m);
      res.wanted.push({ m: new WeakRef(m), v: new WeakRef(v) });
    }
  }
}

function residentStep(rt: WasmRuntime, s: Resident, value: Float32Array, grad: Float32Array, p: AdamStep) {
  const { arena } = rt;
  const n = value.length;
  arena.reset();
  const pw = arena.alloc(n),
    pg = arena.copyIn(grad);
  const from = s.current,
    to = (1 - from) as 0 | 1;
  const [m, v, mOut, vOut] = [s.blocks[from], s.blocks[2 + from], s.blocks[to], s.blocks[2 + to]];
  // The slots are read from one copy and written to the other: a rerun starts from the weights alone.
  run(rt, n, 'adamUpdate', [pw, pg, m, v, mOut, vOut, n], p, () => arena.f32().set(value, pw >> 2));
  s.current = to;
  value.set(arena.f32().subarray(pw >> 2, (pw >> 2) + n));
}

/**
 * One call for every variable of a step (wasm adamUpdateMany): the threads share the model's values as one range, so
 * many small variables (each below the size where waking the workers pays) are threaded together, and the step pays
 * one call's overhead instead of one per variable. Resident slots stay resident; others are copied in and back, and
 * inside a step move into wasm memory before the next, as fastAdamUpdate's do. The same bits as the reference.
 */
export function fastAdamUpdateMany(rt: WasmRuntime, variables: readonly AdamVariable[], p: AdamStep): void {
  const r = residencies.get(rt);
  const batch: { x: AdamVariable; resident?: Resident }[] = [];
  for (const x of variables) {
    const n = x.value.length;
    const held = r?.byM.get(x.m);
    const fits = x.grad.length === n && x.m.length === n && x.v.length === n;
    if (held && (held.v !== x.v || !fits)) release(rt, r as Residency, held);
    // Operands that differ in length: the reference says so (it throws).
    if (!fits) referenceAdamUpdate(x.value, x.grad, x.m, x.v, p);
    if (n > 0) batch.push({ x, resident: held && held.v === x.v ? held : undefined });
  }
  if (batch.length === 0) return;
  try {
    manyStep(rt, batch, p);
  } catch (e) {
    // The backend falls back to the reference on a memory limit: it must find the current slots in the arrays.
    if (e instanceof WasmMemoryLimitError)
      for (const b of batch) if (b.resident && r?.byM.get(b.x.m) === b.resident) release(rt, r, b.resident);
    throw e;
  }
}

function manyStep(rt: WasmRuntime, batch: { x: AdamVariable; resident?: Resident }[], p: AdamStep): void {
  const { arena } = rt;
  arena.reset();
  let total = 0;
  const placed = batch.map(({ x, resident }) => {
    const n = x.value.length;
    const pw = arena.alloc(n),
      pg = arena.copyIn(x.grad);
    let slots: number[];
    if (resident) {
      const from = resident.current,
        to = 1 - from;
      // Read one copy, write the other: a rerun after a lost worker starts from intact slots.
      slots = [resident.blocks[from], resident.blocks[2 + from], resident.blocks[to], resident.blocks[2 + to]];
    } else {
      // In place: a rerun copies them in again.
      const pm = arena.alloc(n),
        pv = arena.alloc(n);
      slots = [pm, pv, pm, pv];
    }
    const entry = { x, resident, n, pw, slots };
    const row = [pw, pg, ...slots, n, total];
    total += n;
    return { entry, row };
  });
  const table = arena.ints32(placed.flatMap((e) => e.row));
  const start = () => {
    const memory = arena.f32();
    for (const { entry: e } of placed) {
      memory.set(e.x.value, e.pw >> 2);
      if (!e.resident) {
        memory.set(e.x.m, e.slots[0] >> 2);
        memory.set(e.x.v, e.slots[1] >> 2);
      }
    }
  };
  run(rt, total, 'adamUpdateMany', [table, placed.length, total], p, start);
  const memory = arena.f32();
  const res = arena.scoped ? residency(rt) : null;
  for (const { entry: e } of placed) {
    e.x.value.set(memory.subarray(e.pw >> 2, (e.pw >> 2) + e.n));
    if (e.resident) {
      e.resident.current = (1 - e.resident.current) as 0 | 1;
      continue;
    }
    e.x.m.set(memory.subarray(e.slots[0] >> 2, (e.slots[0] >> 2) + e.n));
    e.x.v.set(memory.subarray(e.slots[1] >> 2, (e.slots[1] >> 2) + e.n));
    // Inside a step the slots move into wasm memory before the next one.
    if (res && !res.asked.has(e.x.m)) {
      res.asked.add(e.x.m);
      res.wanted.push({ m: new WeakRef(e.x.m), v: new WeakRef(e.x.v) });
    }
  }
}

/** The threaded kernel call `fn` over `args` (the step's scalars and the claim context follow); start() puts the operands in place (again for a rerun). */
function run(rt: WasmRuntime, n: number, fn: string, args: number[], p: AdamStep, start: () => void): void {
  const claims = claimBlock(rt, n >= PARALLEL_ADAM ? rt.pool.size : 1);
  const tasks = claims.ctx.map((ctx) => ({
    fn,
    args: [...args, p.alpha, 1 - p.beta1, 1 - p.beta2, p.epsilon, ctx],
  }));
  start();
  claims.reset();
  if (!runPool(rt, tasks, claims)) {
    start();
    claims.reset();
    rt.call(tasks[0].fn, ...tasks[0].args);
  }
}
