/**
 * The drawing pad's ink: a 28×28 grid of values in [0, 1] painted with a soft round brush, the way MNIST's digits
 * look (strokes about 2–3 pixels wide with anti-aliased edges), and centred by mass as MNIST's digits were before a
 * prediction.
 */

export const PAD_SIZE = 28;
/** Full ink inside this radius (pixels of the 28×28 grid)… */
export const BRUSH_CORE = 1.2;
/** …fading to none over this much further out: strokes about 3 pixels wide with soft edges, as MNIST's are. */
export const BRUSH_FEATHER = 1;

/** Ink one dab at (x, y), in grid pixels; a pixel keeps the darkest ink it got (strokes don't add up to blotches). */
export function stamp(pixels: Float32Array, x: number, y: number, size = PAD_SIZE): void {
  const reach = BRUSH_CORE + BRUSH_FEATHER;
  for (let row = Math.max(0, Math.floor(y - reach)); row <= Math.min(size - 1, Math.ceil(y + reach)); row++) {
    for (let col = Math.max(0, Math.floor(x - reach)); col <= Math.min(size - 1, Math.ceil(x + reach)); col++) {
      // Distance from the pixel's centre to the dab.
      const d = Math.hypot(col + 0.5 - x, row + 0.5 - y);
      const ink = Math.min(1, Math.max(0, 1 - (d - BRUSH_CORE) / BRUSH_FEATHER));
      const i = row * size + col;
      if (ink > pixels[i]) pixels[i] = ink;
    }
  }
}

/** Ink a straight stroke from one pointer position to the next, dabbing every quarter pixel so it has no gaps. */
export function stroke(
  pixels: Float32Array,
  from: { x: number; y: number },
  to: { x: number; y: number },
  size = PAD_SIZE,
): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) * 4));
  for (let s = 0; s <= steps; s++)
    stamp(pixels, from.x + ((to.x - from.x) * s) / steps, from.y + ((to.y - from.y) * s) / steps, size);
}

/**
 * The drawing moved (by whole pixels) so its centre of mass sits at the centre, as MNIST's digits were placed;
 * an off-centre drawing otherwise looks like nothing the model saw. An empty pad comes back unchanged.
 */
export function centreByMass(pixels: Float32Array, size = PAD_SIZE): Float32Array {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const v = pixels[row * size + col];
      mass += v;
      sx += v * col;
      sy += v * row;
    }
  }
  if (mass === 0) return pixels.slice();
  const centre = (size - 1) / 2;
  const dx = Math.round(centre - sx / mass);
  const dy = Math.round(centre - sy / mass);
  const out = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const r = row - dy;
      const c = col - dx;
      if (r >= 0 && r < size && c >= 0 && c < size) out[row * size + col] = pixels[r * size + c];
    }
  }
  return out;
}

/** Whether a model Input (without the batch axis) takes a 28×28 drawing: 784 values in row-major order. */
export function takesDrawing(inputShape: readonly (number | null)[] | null): boolean {
  if (!inputShape || inputShape.some((d) => d === null)) return false;
  const size = (inputShape as number[]).reduce((a, b) => a * b, 1);
  return (
    size === PAD_SIZE * PAD_SIZE &&
    (inputShape.length === 1 || (inputShape[0] === PAD_SIZE && inputShape[1] === PAD_SIZE))
  );
}
