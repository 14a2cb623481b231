import { tensor, type Tensor } from '../../core/tensor';
import { affine as referenceAffine, affineChannels, type AffineParams } from '../affine';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/** v (length 1 or c) repeated to `lanes` values. */
function repeated(v: Float32Array, c: number, lanes: number): Float32Array {
  return Float32Array.from({ length: lanes }, (_, k) => (v.length === 1 ? v[0] : v[k % c]));
}

/**
 * The affine pass in wasm (engine/kernels/wasm/affine.ts), threaded over rows in a step: the reference's float32
 * operations, so the same bits. Rescaling as a JavaScript map took about 4 ns a value on the caller's thread.
 */
export function fastAffine(rt: WasmRuntime, x: Tensor, p: AffineParams): Tensor {
  const c = affineChannels(x.shape, p);
  const n = x.data.length;
  // Channels of 1 or more than 4096 values: rows of lcm(c, 4) lanes would not fit the kernel's rows.
  if (c < 1 || c > 4096 || !worthWasm(rt, x.data, SMALL)) return referenceAffine(x, p);
  const lanes = (c * 4) / gcd(c, 4);
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  const vector = (v: Float32Array | null | undefined) => (v ? arena.copyIn(repeated(v, c, lanes)) : 0);
  const scale = vector(p.scale),
    center = vector(p.center),
    shift = vector(p.shift);
  runRows(rt, n, 'affineRows', (ctx) => [px, out, n, lanes, scale, center, shift, p.divide ? 1 : 0, ctx]);
  return tensor(x.shape, arena.result(out, n));
}
