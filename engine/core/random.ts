/**
 * A small seedable PRNG: xoshiro128** (Blackman & Vigna, 2018), seeded through splitmix32 so that nearby seeds
 * give unrelated streams. Keras draws from its backend's generator (Philox/Threefry), so the same seed does not
 * give Keras's numbers; what matters here is that a LayerCanvas seed always gives the same numbers, on every
 * platform (only 32-bit integer arithmetic is used).
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** A spare standard normal from the last Box–Muller pair. */
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1), 53 bits of precision from two draws. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A standard normal by Box–Muller (both values of each pair are used). */
  normal(mean = 0, stddev = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** Normal with values further than 2 stddev from the mean drawn again, as TensorFlow's truncated_normal does. */
  truncatedNormal(mean = 0, stddev = 1): number {
    for (;;) {
      const z = this.normal();
      if (z >= -2 && z <= 2) return mean + stddev * z;
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
