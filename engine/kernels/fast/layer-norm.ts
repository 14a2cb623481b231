import { tensor, type Tensor } from '../../core/tensor';
import {
  type LayerNormGrads,
  type LayerNormSaved,
  layerNorm as referenceLayerNorm,
  layerNormGrad as referenceLayerNormGrad,
} from '../layer-norm';
import { runRows, runShared, worthWasm, type WasmRuntime } from './runtime';

/** Below this many values the copies into wasm memory cost more than the pass saves. */
const SMALL = 4096;

/**
 * LayerNormalization in wasm (engine/kernels/wasm/layer-norm.ts), rows threaded in a step, the reference's f64
 * arithmetic to the bit. In JavaScript it took 10 ms forward and 9 ms backward on 32×26×26×32, one thread.
 */
export function fastLayerNorm(
  rt: WasmRuntime,
  x: Tensor,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  epsilon: number,
  rms: boolean,
): { y: Tensor; saved: LayerNormSaved } {
  const c = x.shape[x.shape.length - 1];
  const n = x.data.length;
  if (!(c > 0) || (gamma && gamma.length !== c) || (beta && beta.length !== c) || !worthWasm(rt, x.data, SMALL))
    return referenceLayerNorm(x, gamma, beta, epsilon, rms);
  const rows = n / c;
  const { arena } = rt;
  arena.reset();
  const py = arena.output(n),
    pxhat = arena.output(n),
    pcentered = rms ? arena.output(n) : pxhat,
    pinv = arena.output(rows);
  const px = arena.copyIn(x.data),
    pg = gamma ? arena.copyIn(gamma) : 0,
    pb = beta ? arena.copyIn(beta) : 0;
  runRows(rt, n, 'layerNormForward', (ctx) => [
    px,
    py,
    pxhat,
    pcentered,
    pinv,
    rows,
    c,
    pg,
    pb,
    epsilon,
    rms ? 1 : 0,
    ctx,
  ]);
  const xhat = arena.result(pxhat, n);
  return {
    y: tensor([...x.shape], arena.result(py, n)),
    saved: { xhat, centered: rms ? arena.result(pcentered, n) : xhat, invStd: arena.result(pinv, rows) },
  };
}

export function fastLayerNormGrad(
  rt: WasmRuntime,
  dy: Tensor,
  gamma: Float32Array | null,
  saved: LayerNormSaved,
  rms: boolean,
): LayerNormGrads {
  const c = dy.shape[dy.shape.length - 1];
  const n = dy.data.length;
  const fits = c > 0 && saved.xhat.length === n && saved.centered.length === n && saved.invStd.length === n / c;
  if (!fits || (gamma && gamma.length !== c) || !worthWasm(rt, dy.data, SMALL))
    return referenceLayerNormGrad(dy, gamma, saved, rms);
  const rows = n / c;
  const { arena } = rt;
  arena.reset();
  const pdx = arena.output(n),
    pdgamma = arena.output(c),
    pdbeta = arena.output(c);
  const pdy = arena.copyIn(dy.data),
    pxhat = arena.copyIn(saved.xhat),
    pcentered = saved.centered === saved.xhat ? pxhat : arena.copyIn(saved.centered),
    pinv = arena.copyIn(saved.invStd),
    pg = gamma ? arena.copyIn(gamma) : 0;
  runRows(rt, n, 'layerNormBackward', (ctx) => [pdy, pxhat, pcentered, pinv, pdx, rows, c, pg, rms ? 1 : 0, ctx]);
  // The parameter gradients sum over rows in row order: one thread, as the reference sums them.
  runShared(rt, 1, () => ({ fn: 'layerNormParamGrads', args: [pdy, pxhat, pdgamma, pdbeta, rows, c] }));
  return {
    dx: tensor([...dy.shape], arena.result(pdx, n)),
    dgamma: arena.result(pdgamma, c),
    dbeta: arena.result(pdbeta, c),
  };
}
