import { describe, expect, it } from 'vitest';
import { circles, spirals, xorBlobs } from '../../../engine/data/generators/points';
import { SHAPE_CLASSES, shapes } from '../../../engine/data/generators/shapes';
import { BUILTIN_DATASETS, generateBuiltin } from '../../../engine/data/registry';

describe('point generators', () => {
  it('are deterministic per seed', () => {
    for (const gen of [spirals, circles, xorBlobs]) {
      expect(gen({ seed: 4 }).x).toEqual(gen({ seed: 4 }).x);
      expect(gen({ seed: 4 }).x).not.toEqual(gen({ seed: 5 }).x);
    }
  });

  it('put each spiral point of class k on arm k: angle = r · turns · 2π + k · π', () => {
    const turns = 1.5;
    const d = spirals({ count: 300, noise: 0, seed: 2, turns });
    expect(d.sampleShape).toEqual([2]);
    expect(d.numClasses).toBe(2);
    for (let i = 0; i < d.count; i++) {
      const px = d.x[2 * i];
      const py = d.x[2 * i + 1];
      const r = Math.hypot(px, py);
      const own = r * turns * 2 * Math.PI + d.y[i] * Math.PI;
      const other = own + Math.PI;
      // On its own arm the point lies in the arm's direction; the other arm points the opposite way.
      expect(Math.cos(own) * px + Math.sin(own) * py).toBeCloseTo(r, 4);
      expect(Math.cos(other) * px + Math.sin(other) * py).toBeCloseTo(-r, 4);
    }
  });

  it('balance the classes', () => {
    for (const d of [spirals({ count: 101 }), circles({ count: 100 }), xorBlobs({ count: 100 })]) {
      const ones = Array.from(d.y).reduce((a, b) => a + b, 0);
      expect(Math.abs(ones - d.count / 2)).toBeLessThanOrEqual(1);
    }
  });

  it('put circle class 0 on radius 1 and class 1 on radius factor', () => {
    const d = circles({ count: 200, noise: 0, factor: 0.4 });
    for (let i = 0; i < d.count; i++) expect(Math.hypot(d.x[2 * i], d.x[2 * i + 1])).toBeCloseTo(d.y[i] ? 0.4 : 1, 5);
  });

  it('label XOR blobs 1 exactly where the signs of the coordinates differ', () => {
    const d = xorBlobs({ count: 400, noise: 0.2, seed: 3 });
    let agree = 0;
    for (let i = 0; i < d.count; i++) if ((d.x[2 * i] > 0 !== d.x[2 * i + 1] > 0 ? 1 : 0) === d.y[i]) agree++;
    // At noise 0.2 a coordinate crosses zero with probability P(z > 5) ≈ 3e-7: every point keeps its quadrant.
    expect(agree).toBe(400);
  });
});

/** Reads which shape an image shows from its lit pixels alone, by geometry, independently of the drawing code. */
function classify(img: Float32Array, size: number): string {
  let top = size;
  let bottom = -1;
  let left = size;
  let right = -1;
  let lit = 0;
  const on = (r: number, c: number) => img[r * size + c] > 0.5;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      if (on(r, c)) {
        lit++;
        top = Math.min(top, r);
        bottom = Math.max(bottom, r);
        left = Math.min(left, c);
        right = Math.max(right, c);
      }
    }
  }
  const h = bottom - top + 1;
  const w = right - left + 1;
  const fill = lit / (h * w);
  const rowCount = (r: number) => Array.from({ length: w }, (_, k) => on(r, left + k)).filter(Boolean).length;
  const cornersLit = [on(top, left), on(top, right), on(bottom, left), on(bottom, right)].filter(Boolean).length;
  if (fill === 1) return 'square';
  if (rowCount(bottom) === w && rowCount(top) <= 2) return 'triangle';
  if (cornersLit === 0 && fill > 0.65) return 'circle';
  if (cornersLit === 0 && fill < 0.6) return 'cross';
  return 'unknown';
}

describe('shapes', () => {
  it('draws the labelled shape in every image (checked from the pixels)', () => {
    for (const size of [16, 28]) {
      const d = shapes({ count: 200, size, seed: 6 });
      expect(d.sampleShape).toEqual([size, size, 1]);
      expect(d.classNames).toEqual([...SHAPE_CLASSES]);
      const per = size * size;
      for (let i = 0; i < d.count; i++) {
        const img = d.x.subarray(i * per, (i + 1) * per);
        expect(classify(img, size), `image ${i} (size ${size})`).toBe(SHAPE_CLASSES[d.y[i]]);
      }
    }
  });

  it('varies position and size, and is deterministic per seed', () => {
    const d = shapes({ count: 40, size: 28, seed: 1 });
    const firstLit = new Set<number>();
    const counts = new Set<number>();
    for (let i = 0; i < d.count; i += 4) {
      const img = d.x.subarray(i * 784, (i + 1) * 784);
      firstLit.add(img.findIndex((v) => v > 0));
      counts.add(img.reduce((a, b) => a + b, 0));
    }
    expect(firstLit.size).toBeGreaterThan(5);
    expect(counts.size).toBeGreaterThan(5);
    expect(shapes({ count: 40, seed: 1 }).x).toEqual(d.x);
    expect(shapes({ count: 40, seed: 2 }).x).not.toEqual(d.x);
  });
});

describe('registry', () => {
  it('describes each generated built-in as it is generated', () => {
    for (const info of BUILTIN_DATASETS) {
      if (info.id === 'mnist') continue;
      const d = generateBuiltin(info.id)!;
      expect(d.sampleShape).toEqual(info.sampleShape);
      expect(d.numClasses).toBe(info.numClasses);
      expect(d.classNames).toEqual(info.classNames);
      expect(d.count).toBe(info.count);
    }
    expect(generateBuiltin('nope')).toBeNull();
  });
});
