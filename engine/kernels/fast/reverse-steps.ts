import { tensor, type Tensor } from '../../core/tensor';
import { reverseSteps as referenceReverseSteps } from '../reverse-steps';
import { runRows, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/**
 * The step reversal in wasm (engine/kernels/wasm/reverse-steps.ts), rows threaded in a step; a copy, so the
 * reference's bits. The reference's row copies took 72 µs a pass on (64, 16, 32) on the caller's thread, each a
 * JavaScript subarray and set: a Bidirectional layer makes four a training step.
 */
export function fastReverseSteps(rt: WasmRuntime, x: Tensor): Tensor {
  const [batch, steps] = x.shape;
  if (x.shape.length < 2 || batch * steps === 0 || !worthWasm(rt, x.data, SMALL)) return referenceReverseSteps(x);
  const n = x.data.length;
  const { arena } = rt;
  arena.reset();
  const out = arena.output(n);
  const px = arena.copyIn(x.data);
  runRows(rt, n, 'reverseSteps', (ctx) => [px, out, batch, steps, n / (batch * steps), ctx]);
  return tensor([...x.shape], arena.result(out, n));
}
