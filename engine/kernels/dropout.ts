import { tensor, type Tensor } from '../core/tensor';

/** mulberry32: a tiny seeded generator, so a training step can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inverted dropout (training mode): each value kept with probability 1 − rate and scaled by 1/(1 − rate). */
export function dropout(x: Tensor, rate: number, seed: number): { y: Tensor; mask: Float32Array } {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout rate ${rate} must be in [0, 1)`);
  const random = seededRandom(seed);
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(x.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = random() >= rate ? keep : 0;
  const y = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) y[i] = x.data[i] * mask[i];
  return { y: tensor(x.shape, y), mask };
}

export function dropoutGrad(dy: Tensor, mask: Float32Array): Tensor {
  if (mask.length !== dy.data.length)
    throw new RangeError(`dropout mask has ${mask.length} values but dy [${dy.shape}] has ${dy.data.length}`);
  return tensor(
    dy.shape,
    dy.data.map((v, i) => v * mask[i]),
  );
}
