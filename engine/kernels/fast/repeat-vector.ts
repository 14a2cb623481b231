import { tensor, type Tensor } from '../../core/tensor';
import { repeatVector as referenceRepeat, repeatVectorGrad as referenceRepeatGrad } from '../repeat-vector';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/** RepeatVector's copies in wasm (engine/kernels/wasm/repeat-vector.ts), samples threaded in a step; the reference's bits. */
export function fastRepeatVector(rt: WasmRuntime, x: Tensor, n: number): Tensor {
  const [batch, features] = x.shape;
  const size = batch * n * features;
  if (size === 0 || !worthWasm(rt, x.data, SMALL / Math.max(n, 1))) return referenceRepeat(x, n);
  const { arena } = rt;
  arena.reset();
  const out = arena.output(size);
  const px = arena.copyIn(x.data);
  runRows(rt, size, 'repeatRows', (ctx) => [px, out, batch, n, features, ctx]);
  return tensor([batch, n, features], arena.result(out, size));
}

/** Its gradient: each sample's steps summed in step order, as the reference. */
export function fastRepeatVectorGrad(rt: WasmRuntime, dy: Tensor): Tensor {
  const [batch, n, features] = dy.shape;
  if (batch * features === 0 || !worthWasm(rt, dy.data, SMALL)) return referenceRepeatGrad(dy);
  const { arena } = rt;
  arena.reset();
  const out = arena.output(batch * features);
  const pdy = arena.copyIn(dy.data);
  runRows(rt, dy.data.length, 'repeatRowsGrad', (ctx) => [pdy, out, batch, n, features, ctx]);
  return tensor([batch, features], arena.result(out, batch * features));
}
