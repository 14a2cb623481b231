import type { WindowGeometry } from '../geometry';
import type { Arena } from './arena';

/** Writes the geometry in the i32 layout the wasm conv kernels read (see engine/kernels/wasm/conv.ts). */
export function writeGeometry(arena: Arena, g: WindowGeometry, outC: number): number {
  return arena.ints32([
    g.batch,
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    outC,
    g.kh,
    g.kw,
    g.sh,
    g.sw,
    g.dh,
    g.dw,
    g.padT,
    g.padL,
  ]);
}

export function convFlops(g: WindowGeometry, outC: number): number {
  return 2 * g.batch * g.outH * g.outW * g.kh * g.kw * g.inC * outC;
}
