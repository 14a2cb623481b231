/**
 * The BN inspector's numbers: per-channel parameters are the trained weight tensors themselves; per-channel
 * moments match a naive NHWC loop; and one batch through a real engine (the `predict` request, in memory) in both
 * modes gives what Keras's BatchNormalization formulas say: in training mode each channel's output has mean beta and
 * std ≈ gamma, in inference mode the moving statistics decide, and they differ when those haven't converged.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../engine/core/random';
import { chainDocument } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { memoryEnginePort } from '../../support/engine';
import { generateBuiltin } from '../../../engine/data/registry';
import { referenceBackend } from '../../../engine/kernels/registry';
import { train } from '../../../engine/train/trainer';
import { bnLayers, bnParams, channelMoments, meanAbsGap } from '../../../renderer/panels/inside/bn-view';
import { modesAgree, runTwoModes } from '../../../renderer/panels/inside/two-modes';
import { createEngineClient } from '../../../renderer/services/engine-client';

const f32 = (...v: number[]) => Float32Array.from(v);

describe('BatchNormalization parameters from trained weights', () => {
  it('are the weight tensors of the layer, by Keras name, after a real training', async () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [2] } },
      { className: 'Dense', config: { units: 6, use_bias: false } },
      { className: 'BatchNormalization' },
      { className: 'Activation', config: { activation: 'relu' } },
      { className: 'Dense', config: { units: 2, activation: 'softmax' } },
    ]);
    const result = await train(
      doc,
      generateBuiltin('spirals')!,
      { loss: 'sparse_categorical_crossentropy', optimizer: { name: 'adam' }, epochs: 1, batchSize: 32, seed: 0 },
      { backend: referenceBackend, yieldToEvents: async () => {} },
    );
    expect(result.status).toBe('completed');
    const [bn] = bnLayers(doc);
    expect(bn.name).toBe('batch_normalization');
    const params = bnParams(result.weights, bn.id)!;
    expect(params.channels).toBe(6);
    const byName = Object.fromEntries(result.weights![bn.id].map((w) => [w.name, w.tensor.data]));
    expect(result.weights![bn.id].map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    for (const name of ['gamma', 'beta', 'moving_mean', 'moving_variance'] as const)
      expect(Array.from(params[name]!)).toEqual(Array.from(byName[name]));
    // Training moved them off their initial values (ones, zeros, zeros, ones).
    expect(params.moving_mean!.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    expect(params.gamma!.some((v) => Math.abs(v - 1) > 1e-4)).toBe(true);
  });

  it('are missing for a layer without weights, and gamma is absent when scale=False', () => {
    expect(bnParams(undefined, 'x')).toBeNull();
    const p = bnParams(
      {
        bn: [
          { name: 'beta', tensor: { shape: [2], data: f32(1, 2) } },
          { name: 'moving_mean', tensor: { shape: [2], data: f32(0, 0) } },
          { name: 'moving_variance', tensor: { shape: [2], data: f32(1, 1) } },
        ],
      },
      'bn',
    )!;
    expect(p.gamma).toBeUndefined();
    expect(Array.from(p.beta!)).toEqual([1, 2]);
  });
});

describe('per-channel moments', () => {
  it('match a naive loop over batch, height and width for each channel', () => {
    const rng = new Random(4);
    const [n, h, w, c] = [3, 4, 5, 3];
    const data = Float32Array.from({ length: n * h * w * c }, () => rng.next() * 10 - 5);
    const moments = channelMoments({ shape: [n, h, w, c], data })!;
    for (let ch = 0; ch < c; ch++) {
      const values: number[] = [];
      for (let i = 0; i < n; i++)
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) values.push(data[((i * h + y) * w + x) * c + ch]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      expect(moments.mean[ch]).toBeCloseTo(mean, 6);
      expect(moments.std[ch]).toBeCloseTo(std, 5);
    }
  });

  it('follow a channel axis other than the last one', () => {
    // (2, 2, 3) with axis=1: channel k is row k of both samples; the batch axis is never a channel axis.
    const m = channelMoments({ shape: [2, 2, 3], data: f32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12) }, 1)!;
    expect(m.mean).toEqual([(1 + 2 + 3 + 7 + 8 + 9) / 6, (4 + 5 + 6 + 10 + 11 + 12) / 6]);
    expect(channelMoments({ shape: [2, 3], data: f32(1, 2, 3, 4, 5, 6) }, 0)).toBeNull();
  });
});

describe('one batch, two modes', () => {
  const gamma = f32(2, 0.5, 1.5);
  const beta = f32(1, -1, 0.25);
  // Moving statistics that never saw data like this batch (inputs in [2, 6]).
  const movingMean = f32(0, 0.5, -1);
  const movingVariance = f32(1, 4, 0.25);
  const base = chainDocument([
    { className: 'InputLayer', config: { shape: [5, 5, 2] } },
    { className: 'Conv2D', config: { filters: 3, kernel_size: [3, 3], use_bias: false } },
    { className: 'BatchNormalization' },
    { className: 'Flatten' },
    { className: 'Dense', config: { units: 2, activation: 'softmax' } },
  ]);
  const bnId = base.nodes[2].id;
  const doc: ModelDocument = {
    ...base,
    weights: {
      [bnId]: [
        { name: 'gamma', tensor: { shape: [3], data: gamma } },
        { name: 'beta', tensor: { shape: [3], data: beta } },
        { name: 'moving_mean', tensor: { shape: [3], data: movingMean } },
        { name: 'moving_variance', tensor: { shape: [3], data: movingVariance } },
      ],
    },
  };
  const rng = new Random(9);
  const batch = { shape: [16, 5, 5, 2], data: Float32Array.from({ length: 16 * 50 }, () => 2 + rng.next() * 4) };

  it('gives mean beta and std gamma per channel in training mode, and the moving statistics’ answer in inference mode', async () => {
    const client = createEngineClient(memoryEnginePort());
    const [bn] = bnLayers(doc);
    expect(bn.sourceId).toBe(base.nodes[1].id);
    const r = await runTwoModes(client, doc, bn, bnParams(doc.weights, bnId)!, batch);
    client.dispose();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { training, inference, input, expected } = r.value;
    expect(r.value.batchSize).toBe(16);
    for (let c = 0; c < 3; c++) {
      expect(training.mean[c]).toBeCloseTo(beta[c], 4);
      // std = gamma·σ/√(σ²+ε): within ε's pull of gamma for a channel whose σ is well above √ε.
      expect(Math.abs(training.std[c] - gamma[c]) / gamma[c]).toBeLessThan(0.02);
      expect(training.std[c]).toBeCloseTo(expected.training.std[c], 3);
      // Inference mode: y = gamma (x − moving_mean)/√(moving_var + ε) + beta, so per channel (Keras's formula).
      const scale = gamma[c] / Math.sqrt(movingVariance[c] + 0.001);
      expect(inference.mean[c]).toBeCloseTo(scale * (input.mean[c] - movingMean[c]) + beta[c], 3);
      expect(inference.std[c]).toBeCloseTo(Math.abs(scale) * input.std[c], 3);
      expect(inference.mean[c]).toBeCloseTo(expected.inference.mean[c], 3);
    }
    // Unconverged moving statistics: the two modes are far apart.
    expect(meanAbsGap(training.mean, inference.mean)).toBeGreaterThan(0.5);
    expect(modesAgree(r.value)).toBe(false);
  });

  it('agree once the moving statistics equal the batch’s own mean and variance', async () => {
    const client = createEngineClient(memoryEnginePort());
    const [bn] = bnLayers(doc);
    const first = await runTwoModes(client, doc, bn, bnParams(doc.weights, bnId)!, batch);
    if (!first.ok) throw new Error(first.error.message);
    const { mean, std } = first.value.input;
    const converged: ModelDocument = {
      ...doc,
      weights: {
        [bnId]: [
          ...doc.weights![bnId].slice(0, 2),
          { name: 'moving_mean', tensor: { shape: [3], data: Float32Array.from(mean) } },
          { name: 'moving_variance', tensor: { shape: [3], data: Float32Array.from(std, (s) => s * s) } },
        ],
      },
    };
    const r = await runTwoModes(client, converged, bn, bnParams(converged.weights, bnId)!, batch);
    client.dispose();
    if (!r.ok) throw new Error(r.error.message);
    for (let c = 0; c < 3; c++) {
      expect(r.value.inference.mean[c]).toBeCloseTo(r.value.training.mean[c], 3);
      expect(r.value.inference.std[c]).toBeCloseTo(r.value.training.std[c], 3);
    }
    expect(modesAgree(r.value)).toBe(true);
  });

  it('reports a BN layer that has no input as an error, not an exception', async () => {
    const client = createEngineClient(memoryEnginePort());
    const r = await runTwoModes(
      client,
      doc,
      { id: bnId, name: 'batch_normalization', axis: -1, epsilon: 0.001, momentum: 0.99, sourceId: null },
      bnParams(doc.weights, bnId)!,
      batch,
    );
    client.dispose();
    expect(r).toEqual({
      ok: false,
      error: { message: 'batch_normalization has no input', hint: 'connect a layer to it and train again' },
    });
  });
});
