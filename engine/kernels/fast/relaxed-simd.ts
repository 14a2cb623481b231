/**
 * Whether this runtime runs WebAssembly relaxed SIMD (the f32x4.relaxed_madd the kernels' fused multiply-add
 * compiles to). Electron's V8 ships it; Node 20's V8 validates it only with RELAXED_SIMD_FLAG on the command line.
 */
export const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

/** The smallest module that uses relaxed SIMD: (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd). */
export const RELAXED_SIMD_PROBE = Uint8Array.from([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type: (v128 v128 v128) -> v128
  0x03,
  0x02,
  0x01,
  0x00, // one function of that type
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00,
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02,
  0xfd,
  0x85,
  0x02,
  0x0b, // local.get ×3, relaxed_madd (0xfd 0x105)
]);

export function runtimeHasRelaxedSimd(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
}
