/**
 * Small black-and-white images of four shapes at random positions and sizes, for a first CNN: a square, a
 * circle, a triangle (apex up) and a plus-shaped cross, filled with 1 on a 0 background. A pixel is lit when its
 * centre lies inside the shape, so the drawing is exact and testable.
 */
import { Random } from '../../core/random';
import type { Dataset } from '../types';

export const SHAPE_CLASSES = ['square', 'circle', 'triangle', 'cross'] as const;

export interface ShapeOptions {
  count?: number;
  /** Image side in pixels (images are square, one channel). */
  size?: number;
  seed?: number;
}

/** Where a shape sits: its bounding box, top-left corner and side, in pixels. */
export interface ShapePlacement {
  left: number;
  top: number;
  side: number;
}

function lit(shape: number, p: ShapePlacement, px: number, py: number): boolean {
  const { left, top, side } = p;
  const u = px - left; // pixel centre relative to the box
  const v = py - top;
  if (u < 0 || v < 0 || u > side || v > side) return false;
  switch (shape) {
    case 0:
      return true;
    case 1: {
      const r = side / 2;
      return (u - r) ** 2 + (v - r) ** 2 <= r * r;
    }
    case 2:
      // Apex at (side/2, 0), base along v = side: the half-width grows linearly with depth.
      return Math.abs(u - side / 2) <= (side / 2) * (v / side);
    default: {
      const bar = Math.max(1, Math.round(side / 5));
      const lo = (side - bar) / 2;
      return (u >= lo && u <= lo + bar) || (v >= lo && v <= lo + bar);
    }
  }
}

/** Draws one shape into a `size × size` image (row-major), returning the pixels. */
export function drawShape(shape: number, placement: ShapePlacement, size: number): Float32Array {
  const img = new Float32Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (lit(shape, placement, col + 0.5, row + 0.5)) img[row * size + col] = 1;
    }
  }
  return img;
}

export function shapes(options: ShapeOptions = {}): Dataset {
  const count = options.count ?? 1000;
  const size = Math.max(8, Math.floor(options.size ?? 28));
  const rng = new Random(options.seed ?? 1);
  const per = size * size;
  const x = new Float32Array(count * per);
  const y = new Int32Array(count);
  const minSide = Math.max(5, Math.round(size * 0.35));
  const maxSide = Math.max(minSide, Math.round(size * 0.75));
  for (let i = 0; i < count; i++) {
    const shape = i % SHAPE_CLASSES.length;
    const side = minSide + Math.floor(rng.next() * (maxSide - minSide + 1));
    const left = Math.floor(rng.next() * (size - side + 1));
    const top = Math.floor(rng.next() * (size - side + 1));
    x.set(drawShape(shape, { left, top, side }, size), i * per);
    y[i] = shape;
  }
  return {
    name: 'shapes',
    description: `${count} ${size}×${size} grey images of a square, circle, triangle or cross at random places and sizes.`,
    x,
    y,
    sampleShape: [size, size, 1],
    numClasses: SHAPE_CLASSES.length,
    classNames: [...SHAPE_CLASSES],
    count,
    normalization: [],
  };
}
