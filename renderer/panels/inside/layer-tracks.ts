/**
 * The Inside tab's small multiples: one track per layer of a run's output mean and standard deviation over the
 * training steps, the model's and (in a BN comparison) its twin's side by side. The twin keeps every node id of
 * the model except the BatchNormalization layers it drops, so layers are matched by id. Pure, so the view and
 * its tests share one definition.
 */
import type { StatsPoint } from '../../stores/training';

/** One model's statistics of one layer, aligned to the track's steps (null where that model has no sample). */
export interface Band {
  mean: (number | null)[];
  std: (number | null)[];
}

export interface LayerTrack {
  nodeId: string;
  name: string;
  className: string;
  model: Band;
  /** The twin's curve; null when the run has no twin or the twin has no such layer (a removed BN). */
  twin: Band | null;
  /** The y range that holds both models' mean ± std, so the two are read on one scale. */
  range: [number, number];
}

export interface LayerTracks {
  /** Every step either model sampled, ascending. */
  steps: number[];
  layers: LayerTrack[];
  /** Whether the run has a twin to compare with (its layers may still be missing early in the twin's turn). */
  hasTwin: boolean;
}

export const MODEL_LABEL = 'model';
export const TWIN_LABEL = 'without BN';

export function layerTracks(stats: Record<string, StatsPoint[]>, compareBn: boolean): LayerTracks {
  const own = stats[MODEL_LABEL] ?? [];
  const twin = compareBn ? (stats[TWIN_LABEL] ?? []) : [];
  const steps = [...new Set([...own, ...twin].map((p) => p.step))].sort((a, b) => a - b);
  const at = new Map(steps.map((s, i) => [s, i]));

  // Layer order as the model runs them (topological); a layer only the twin has (none today) goes last.
  const order: { nodeId: string; name: string; className: string }[] = [];
  const seen = new Set<string>();
  for (const p of [...own, ...twin])
    for (const s of p.stats)
      if (!seen.has(s.nodeId)) {
        seen.add(s.nodeId);
        order.push({ nodeId: s.nodeId, name: s.name, className: s.className });
      }

  const band = (points: StatsPoint[], nodeId: string): Band | null => {
    const mean: (number | null)[] = new Array(steps.length).fill(null);
    const std: (number | null)[] = new Array(steps.length).fill(null);
    let any = false;
    for (const p of points) {
      const s = p.stats.find((x) => x.nodeId === nodeId);
      if (!s) continue;
      const i = at.get(p.step)!;
      mean[i] = s.mean;
      std[i] = s.std;
      any = true;
    }
    return any ? { mean, std } : null;
  };

  const layers = order.map(({ nodeId, name, className }): LayerTrack => {
    const m = band(own, nodeId) ?? {
      mean: new Array(steps.length).fill(null),
      std: new Array(steps.length).fill(null),
    };
    const t = compareBn ? band(twin, nodeId) : null;
    return { nodeId, name, className, model: m, twin: t, range: rangeOf([m, ...(t ? [t] : [])]) };
  });
  return { steps, layers, hasTwin: compareBn };
}

/** The smallest range holding every finite mean ± std, padded a little; a flat or empty band gets ±1 around it. */
export function rangeOf(bands: Band[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of bands)
    b.mean.forEach((m, i) => {
      const s = b.std[i];
      if (m === null || s === null || !Number.isFinite(m) || !Number.isFinite(s)) return;
      lo = Math.min(lo, m - s);
      hi = Math.max(hi, m + s);
    });
  if (lo === Infinity) return [-1, 1];
  if (hi - lo < 1e-9) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

/** How far a layer's statistics moved over the run: the spread of its mean and of its std, first to last sample. */
export function drift(b: Band): { mean: number; std: number } | null {
  const idx = b.mean.map((m, i) => (m !== null && b.std[i] !== null ? i : -1)).filter((i) => i >= 0);
  if (idx.length < 2) return null;
  const first = idx[0];
  const last = idx[idx.length - 1];
  return {
    mean: (b.mean[last] as number) - (b.mean[first] as number),
    std: (b.std[last] as number) - (b.std[first] as number),
  };
}
