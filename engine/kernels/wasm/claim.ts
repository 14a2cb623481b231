// AssemblyScript. How the threads of one op share its work: `claim(ctx, step, n)` hands out [i, i + step) slices of
// 0..n. Each thread starts in its own home range (thread t of T: the t-th of T equal runs of step-sized slices) and
// then takes what is left of the others', t + 1, t + 2, … in turn. Every op splits its units the same way, and our
// tensors are batch-major, so the thread that wrote a part of a tensor mostly reads that part back in the next op,
// from its own core's cache: with one shared counter the split was random and about half of every operand crossed
// between cores (the article CNN's 3×3 conv forward, two threads: 1.56–1.61× → 1.73–1.78× over one thread). A late
// or lost thread costs nothing: the others take its range. Each slice starts at a multiple of `step` inside its
// range and ranges end on such multiples (the last at n), so per-chunk sums keep their chunks and their order.
//
// ctx (built by the host, fast/runtime.ts claimBlock): one 64-byte line per thread: [0] T, [1] t, [2] ranges this
// thread has emptied, [3] the address of the T counters (one 64-byte line each, zeroed).

/**
 * Where part r of `parts` equal contiguous runs of `units` starts (part `parts` ends at units): home ranges here, and
 * the filter gradients' stripes, which sum contiguous runs of blocks so that a thread reads the rows it wrote.
 */
// @ts-ignore: decorator
@inline export function part(units: i32, r: i32, parts: i32): i32 {
  return <i32>((<i64>units * r) / parts);
}

// @ts-ignore: decorator
@inline function bound(units: i32, r: i32, threads: i32, step: i32, n: i32): i32 {
  return min(n, part(units, r, threads) * step);
}

/** The start of this thread's next slice of `step` units out of n, or n when none is left. */
export function claim(ctx: usize, step: i32, n: i32): i32 {
  const threads = load<i32>(ctx), me = load<i32>(ctx, 4), counters = <usize>load<u32>(ctx, 12);
  const units = (n + step - 1) / step;
  for (let k = load<i32>(ctx, 8); k < threads; k++) {
    let r = me + k;
    if (r >= threads) r -= threads;
    const lo = bound(units, r, threads, step, n), hi = bound(units, r + 1, threads, step, n);
    if (lo < hi) {
      const i = lo + atomic.add<i32>(counters + (<usize>r << 6), step);
      if (i < hi) return i;
    }
    store<i32>(ctx, k + 1, 8);
  }
  return n;
}
