/**
 * Two-feature toy problems for MLPs, the ones the TensorFlow Playground made familiar. A seed always gives the
 * same points; samples alternate between classes so any prefix (`subset`) stays balanced.
 */
import { Random } from '../../core/random';
import type { Dataset } from '../types';

export interface PointOptions {
  /** Total number of points (split evenly between the classes). */
  count?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise?: number;
  seed?: number;
}

function pointDataset(name: string, description: string, count: number, classNames: string[]): Dataset {
  return {
    name,
    description,
    x: new Float32Array(count * 2),
    y: new Int32Array(count),
    sampleShape: [2],
    numClasses: classNames.length,
    classNames,
    count,
    normalization: [],
  };
}

/**
 * Two interleaved spiral arms. A point at radius r ∈ [0, 1] of arm k sits at angle `r · turns · 2π + k · π`,
 * so the arms are half a turn apart everywhere.
 */
export function spirals(options: PointOptions & { turns?: number } = {}): Dataset {
  const count = options.count ?? 400;
  const noise = options.noise ?? 0.02;
  const turns = options.turns ?? 1.5;
  const rng = new Random(options.seed ?? 1);
  const d = pointDataset(
    'spirals',
    `Two spiral arms, ${turns} turns each, noise ${noise}: a classic that a linear model can't separate.`,
    count,
    ['arm 0', 'arm 1'],
  );
  for (let i = 0; i < count; i++) {
    const arm = i % 2;
    // Radii from a square root keep the point density even along the arm instead of bunching at the centre.
    const r = 0.05 + 0.95 * Math.sqrt(rng.next());
    const angle = r * turns * 2 * Math.PI + arm * Math.PI;
    d.x[2 * i] = r * Math.cos(angle) + rng.normal(0, noise);
    d.x[2 * i + 1] = r * Math.sin(angle) + rng.normal(0, noise);
    d.y[i] = arm;
  }
  return d;
}

/** Two concentric circles, as scikit-learn's `make_circles`: class 0 on the outer one (radius 1), class 1 inside. */
export function circles(options: PointOptions & { factor?: number } = {}): Dataset {
  const count = options.count ?? 400;
  const noise = options.noise ?? 0.05;
  const factor = options.factor ?? 0.5;
  const rng = new Random(options.seed ?? 1);
  const d = pointDataset('circles', `Two concentric circles (inner radius ${factor}), noise ${noise}.`, count, [
    'outer',
    'inner',
  ]);
  for (let i = 0; i < count; i++) {
    const inner = i % 2;
    const radius = inner ? factor : 1;
    const angle = rng.uniform(0, 2 * Math.PI);
    d.x[2 * i] = radius * Math.cos(angle) + rng.normal(0, noise);
    d.x[2 * i + 1] = radius * Math.sin(angle) + rng.normal(0, noise);
    d.y[i] = inner;
  }
  return d;
}

/**
 * Four Gaussian blobs at (±1, ±1): class 1 where the signs of the two coordinates differ (exclusive or), class 0
 * where they agree.
 */
export function xorBlobs(options: PointOptions = {}): Dataset {
  const count = options.count ?? 400;
  const noise = options.noise ?? 0.25;
  const rng = new Random(options.seed ?? 1);
  const d = pointDataset('xor', `Four blobs at (±1, ±1), noise ${noise}: class 1 where the signs differ.`, count, [
    'same sign',
    'different sign',
  ]);
  for (let i = 0; i < count; i++) {
    const corner = i % 4;
    const sx = corner & 1 ? 1 : -1;
    const sy = corner & 2 ? 1 : -1;
    d.x[2 * i] = sx + rng.normal(0, noise);
    d.x[2 * i + 1] = sy + rng.normal(0, noise);
    d.y[i] = sx === sy ? 0 : 1;
  }
  return d;
}
