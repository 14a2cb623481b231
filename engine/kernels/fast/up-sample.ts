import { tensor, type Tensor } from '../../core/tensor';
import { checkShape } from '../geometry';
import {
  upSampleBilinear as referenceBilinear,
  upSampleBilinearGrad as referenceBilinearGrad,
  upSampleNearest as referenceUp,
  upSampleNearestGrad as referenceUpGrad,
} from '../up-sample';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/**
 * UpSampling2D 'nearest' in wasm (engine/kernels/wasm/up-sample.ts), threaded over rows in a step: the layer's
 * general bilinear loop took 12.5 ms forward and 35 ms backward on 32×13×13×32 → 26×26.
 */
export function fastUpSampleNearest(rt: WasmRuntime, x: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  if (x.shape.length !== 4 || !worthWasm(rt, x.data, SMALL)) return referenceUp(x, [sh, sw]);
  return pass(rt, 'upSampleForward', x.data, x.shape, [sh, sw], 'forward');
}

/**
 * One pass of a wasm up-sampling kernel over NHWC image shape [n, h, w, c] (the source's): forward from x into the
 * enlarged image, backward from dy into the source's shape. scratch: a thread's extra argument (bilinear's tables).
 */
function pass(
  rt: WasmRuntime,
  fn: string,
  src: Float32Array,
  shape: readonly number[],
  [sh, sw]: readonly [number, number],
  direction: 'forward' | 'backward',
  scratch?: () => number,
): Tensor {
  const [n, h, w, c] = shape;
  const small = n * h * w * c,
    big = small * sh * sw;
  const size = direction === 'forward' ? big : small;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const ps = arena.copyIn(src);
  runRows(rt, big, fn, (ctx) => [ps, out, n, h, w, c, sh, sw, ...(scratch ? [scratch()] : []), ctx]);
  const outShape = direction === 'forward' ? [n, h * sh, w * sw, c] : [n, h, w, c];
  return tensor(outShape, arena.result(out, size));
}

export function fastUpSampleNearestGrad(rt: WasmRuntime, dy: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  const [n, oh, ow, c] = dy.shape;
  if (dy.shape.length !== 4 || oh % sh !== 0 || ow % sw !== 0 || !worthWasm(rt, dy.data, SMALL))
    return referenceUpGrad(dy, [sh, sw]);
  return pass(rt, 'upSampleBackward', dy.data, [n, oh / sh, ow / sw, c], [sh, sw], 'backward');
}

/** One thread's scratch for its bilinear tap tables (wasm/up-sample.ts TAP: 24 bytes per output row and column). */
const tapTables = (rt: WasmRuntime, oh: number, ow: number) => () => rt.arena.alloc(6 * (oh + ow));

/**
 * UpSampling2D 'bilinear' in wasm, the reference's f64 arithmetic and so its bits: threads claim output rows forward,
 * source rows backward. In JavaScript on the caller's thread it took 143 ms forward and 255 ms backward per step on
 * 64×28×28×64 → 56×56.
 */
export function fastUpSampleBilinear(rt: WasmRuntime, x: Tensor, [sh, sw]: readonly [number, number]): Tensor {
  if (x.shape.length !== 4 || !worthWasm(rt, x.data, SMALL)) return referenceBilinear(x, [sh, sw]);
  const [, h, w] = x.shape;
  return pass(rt, 'upSampleBilinearForward', x.data, x.shape, [sh, sw], 'forward', tapTables(rt, h * sh, w * sw));
}

export function fastUpSampleBilinearGrad(
  rt: WasmRuntime,
  dy: Tensor,
  xShape: readonly number[],
  [sh, sw]: readonly [number, number],
): Tensor {
  if (xShape.length !== 4 || !worthWasm(rt, dy.data, SMALL)) return referenceBilinearGrad(dy, xShape, [sh, sw]);
  const [n, h, w, c] = xShape;
  checkShape('upSampleBilinear dy', dy.shape, [n, h * sh, w * sw, c]);
  return pass(rt, 'upSampleBilinearBackward', dy.data, xShape, [sh, sw], 'backward', tapTables(rt, h * sh, w * sw));
}
