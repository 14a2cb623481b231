/**
 * PNG and JPEG bytes → RGBA pixels, with pure-JS decoders (pngjs, jpeg-js) so no native module is needed in the
 * engine process. Recognised by their signatures, not by file name. pngjs inflates with Node's zlib, so this
 * runs in the engine process (Node in both hosts), not in the renderer.
 */
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import type { DataResult } from '../types';
import { dataError } from '../types';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major. */
  rgba: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** The most pixels an image may have (JPEG and PNG alike): 100 megapixels, 400 MB as RGBA. */
export const MAX_PIXELS = 100_000_000;

/** Width and height from a PNG's IHDR chunk, read before anything is inflated; null without one. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.byteLength < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function tooLarge(size: { width: number; height: number }, where: { file?: string }) {
  const mp = ((size.width * size.height) / 1e6).toFixed(0);
  const message = `the image is ${size.width}×${size.height} (${mp} megapixels), more than the ${MAX_PIXELS / 1e6} LayerCanvas decodes`;
  return dataError(message, 'Resize it before importing; models take small images.', { ...where, offset: 16 });
}

/** Decodes into RGBA; a 16-bit PNG is scaled to 8 bits and palette/grey PNGs are expanded, by pngjs. */
export function decodeImage(bytes: Uint8Array, file?: string): DataResult<RgbaImage> {
  const where = file ? { file } : {};
  try {
    if (isPng(bytes)) {
      const size = pngSize(bytes);
      if (!size) {
        const hint = 'The file is cut short or damaged; re-save it or remove it.';
        return { ok: false, errors: [dataError("can't decode the image: the PNG has no IHDR header", hint, where)] };
      }
      if (size.width * size.height > MAX_PIXELS) return { ok: false, errors: [tooLarge(size, where)] };
      if (typeof Buffer === 'undefined') {
        return {
          ok: false,
          errors: [
            dataError(
              'PNG images can only be decoded in the engine process (Node)',
              'Send the files to the engine instead of decoding them in the page.',
              where,
            ),
          ],
        };
      }
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        ok: true,
        value: {
          width: png.width,
          height: png.height,
          rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
        },
      };
    }
    if (isJpeg(bytes)) {
      const limits = { maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 };
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, ...limits });
      return { ok: true, value: { width: img.width, height: img.height, rgba: img.data } };
    }
  } catch (err) {
    return {
      ok: false,
      errors: [
        dataError(
          `can't decode the image: ${(err as Error).message}`,
          'The file may be damaged; open and re-save it, or remove it.',
          where,
        ),
      ],
    };
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return {
    ok: false,
    errors: [
      dataError(
        `not a PNG or JPEG image (it starts with the bytes ${head || 'nothing'})`,
        'Convert it to PNG or JPEG, or remove it from the folder.',
        { ...where, offset: 0 },
      ),
    ],
  };
}

/**
 * RGBA bytes → 1 or 3 channels as floats 0–255 (alpha dropped, as Keras's decode_image does with channels=1|3).
 * Grey is the ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B, the weights of tf.image.rgb_to_grayscale and PIL.
 */
export function toChannels(img: RgbaImage, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    const r = img.rgba[4 * p];
    const g = img.rgba[4 * p + 1];
    const b = img.rgba[4 * p + 2];
    if (channels === 1) {
      out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    } else {
      out[3 * p] = r;
      out[3 * p + 1] = g;
      out[3 * p + 2] = b;
    }
  }
  return out;
}

/** Whether every pixel has R = G = B (a grey image saved as colour). */
export function isGrey(img: RgbaImage): boolean {
  for (let p = 0; p < img.width * img.height; p++) {
    if (img.rgba[4 * p] !== img.rgba[4 * p + 1] || img.rgba[4 * p] !== img.rgba[4 * p + 2]) return false;
  }
  return true;
}

/**
 * Bilinear resize of an HWC image with half-pixel centres (the default of TF 2's `tf.image.resize`, which Keras's
 * image loaders use): output pixel i samples the input at `(i + 0.5) · in/out - 0.5`, clamped to the edges.
 */
export function resizeBilinear(
  src: Float32Array,
  height: number,
  width: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): Float32Array {
  if (height === outHeight && width === outWidth) return src.slice();
  const out = new Float32Array(outHeight * outWidth * channels);
  const axis = (inSize: number, outSize: number) => {
    const lo = new Int32Array(outSize);
    const hi = new Int32Array(outSize);
    const frac = new Float32Array(outSize);
    const scale = inSize / outSize;
    for (let i = 0; i < outSize; i++) {
      const s = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), inSize - 1);
      lo[i] = Math.floor(s);
      hi[i] = Math.min(lo[i] + 1, inSize - 1);
      frac[i] = s - lo[i];
    }
    return { lo, hi, frac };
  };
  const ys = axis(height, outHeight);
  const xs = axis(width, outWidth);
  for (let oy = 0; oy < outHeight; oy++) {
    const r0 = ys.lo[oy] * width;
    const r1 = ys.hi[oy] * width;
    const fy = ys.frac[oy];
    for (let ox = 0; ox < outWidth; ox++) {
      const c0 = xs.lo[ox];
      const c1 = xs.hi[ox];
      const fx = xs.frac[ox];
      for (let c = 0; c < channels; c++) {
        const top = src[(r0 + c0) * channels + c] * (1 - fx) + src[(r0 + c1) * channels + c] * fx;
        const bottom = src[(r1 + c0) * channels + c] * (1 - fx) + src[(r1 + c1) * channels + c] * fx;
        out[(oy * outWidth + ox) * channels + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}
