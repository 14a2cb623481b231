import { tensor, type Tensor } from '../../core/tensor';
import { zeroPad2d as referencePad, zeroPad2dGrad as referencePadGrad } from '../zero-pad2d';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

type Pads = [[number, number], [number, number]];

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/**
 * dst = src shifted by (oy, ox) into [n, h2, w2, c], zeros outside src (engine/kernels/wasm/zero-pad.ts), in wasm so
 * that in a step the result stays in wasm memory for the next layer instead of crossing the boundary twice.
 */
function windowCopy(rt: WasmRuntime, src: Tensor, h2: number, w2: number, oy: number, ox: number): Tensor {
  const [n, h1, w1, c] = src.shape;
  const size = n * h2 * w2 * c;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const ps = arena.copyIn(src.data);
  runRows(rt, size, 'windowCopy', (ctx) => [ps, out, n, h1, w1, h2, w2, c, oy, ox, ctx]);
  return tensor([n, h2, w2, c], arena.result(out, size));
}

/** ZeroPadding2D (and Cropping2D's gradient): pads = [[top, bottom], [left, right]]. */
export function fastZeroPad2d(rt: WasmRuntime, x: Tensor, pads: Pads): Tensor {
  if (x.shape.length !== 4 || !worthWasm(rt, x.data, SMALL)) return referencePad(x, pads);
  const [[top, bottom], [left, right]] = pads;
  return windowCopy(rt, x, x.shape[1] + top + bottom, x.shape[2] + left + right, -top, -left);
}

/** The crop of dy back to the unpadded size (and Cropping2D's forward pass). */
export function fastZeroPad2dGrad(rt: WasmRuntime, dy: Tensor, pads: Pads): Tensor {
  const [[top, bottom], [left, right]] = pads;
  const h2 = dy.shape[1] - top - bottom,
    w2 = dy.shape[2] - left - right;
  if (dy.shape.length !== 4 || h2 <= 0 || w2 <= 0 || !worthWasm(rt, dy.data, SMALL)) return referencePadGrad(dy, pads);
  return windowCopy(rt, dy, h2, w2, top, left);
}
