/**
 * What the BN inspector shows: a BatchNormalization layer's per-channel parameters from a run's trained weights,
 * and per-channel statistics of a captured tensor (the layer's output on one batch, in training and in inference
 * mode). Pure functions over the engine's tensors and document.
 */
import type { Tensor } from '../../../engine/api/core';
import type { ModelDocument } from '../../../engine/api/graph';
import { assignNames } from '../../../engine/api/graph';
import { resolveAxis } from '../../../engine/api/layers';
import { hasTrait } from '../../../engine/api/layers';

export interface BnLayer {
  id: string;
  name: string;
  /** The channel axis as configured (Keras's `axis`, -1 by default). */
  axis: number;
  epsilon: number;
  momentum: number;
  /** The node that feeds it (its input), when connected. */
  sourceId: string | null;
}

export function bnLayers(doc: ModelDocument): BnLayer[] {
  const names = assignNames(doc.nodes);
  return doc.nodes
    .filter((n) => hasTrait(n.className, 'batchStatistics'))
    .map((n) => ({
      id: n.id,
      name: names.get(n.id) ?? n.id,
      axis: typeof n.config.axis === 'number' ? n.config.axis : -1,
      epsilon: typeof n.config.epsilon === 'number' ? n.config.epsilon : 0.001,
      momentum: typeof n.config.momentum === 'number' ? n.config.momentum : 0.99,
      sourceId: doc.edges.find((e) => e.target === n.id)?.source ?? null,
    }));
}

export const BN_PARAMS = ['gamma', 'beta', 'moving_mean', 'moving_variance'] as const;
export type BnParamName = (typeof BN_PARAMS)[number];

/** gamma and beta are absent when `scale` or `center` is off; the moving statistics are always there. */
export type BnParams = { channels: number } & Partial<Record<BnParamName, Float32Array>>;

/** The layer's parameters from trained weights (by node id, in Keras's weight order), or null when it has none. */
export function bnParams(weights: ModelDocument['weights'] | undefined, nodeId: string): BnParams | null {
  const list = weights?.[nodeId];
  if (!list?.length) return null;
  const out: BnParams = { channels: 0 };
  for (const w of list)
    if ((BN_PARAMS as readonly string[]).includes(w.name)) {
      out[w.name as BnParamName] = w.tensor.data;
      out.channels = w.tensor.data.length;
    }
  return out.moving_mean && out.moving_variance ? out : null;
}

export interface ChannelMoments {
  /** Per channel: mean and (population) standard deviation over every other axis. */
  mean: number[];
  std: number[];
}

/** Per-channel mean and std over batch and every spatial axis, as BN computes its batch statistics. */
export function channelMoments(t: Tensor, axis = -1): ChannelMoments | null {
  const a = resolveAxis(axis, t.shape.length);
  if (a === null) return null;
  const channels = t.shape[a];
  const inner = t.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let i = 0; i < t.data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    sum[c] += t.data[i];
    sq[c] += t.data[i] * t.data[i];
  }
  const n = t.data.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = mean.map((m, c) => Math.sqrt(Math.max(sq[c] / n - m * m, 0)));
  return { mean, std };
}

/**
 * What the output's statistics should be in each mode, from the layer's parameters and its input's per-channel
 * statistics. Training mode normalizes with the batch's own mean and variance, so the output has mean beta and std
 * gamma·σ/√(σ²+ε) ≈ |gamma|. Inference mode normalizes with the moving statistics instead, which land on beta and
 * gamma only when they match the batch.
 */
export function expectedOutput(
  params: BnParams,
  input: ChannelMoments,
  epsilon: number,
): { training: ChannelMoments; inference: ChannelMoments } {
  const gamma = (c: number) => params.gamma?.[c] ?? 1;
  const beta = (c: number) => params.beta?.[c] ?? 0;
  const training = {
    mean: input.mean.map((_, c) => beta(c)),
    std: input.std.map((s, c) => (Math.abs(gamma(c)) * s) / Math.sqrt(s * s + epsilon)),
  };
  const inference = {
    mean: input.mean.map(
      (m, c) => (gamma(c) * (m - params.moving_mean![c])) / Math.sqrt(params.moving_variance![c] + epsilon) + beta(c),
    ),
    std: input.std.map((s, c) => (Math.abs(gamma(c)) * s) / Math.sqrt(params.moving_variance![c] + epsilon)),
  };
  return { training, inference };
}

/** The mean absolute difference between two per-channel lists: one number for "how far apart are the modes". */
export function meanAbsGap(a: number[], b: number[]): number {
  if (!a.length) return 0;
  return a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
}
