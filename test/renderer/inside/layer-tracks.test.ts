/**
 * The Inside tab's per-layer tracks show exactly what the engine measured: a small CNN with BatchNormalization and
 * its BN-free twin are compiled and run by the engine's executor, every layer's output mean and std is recomputed
 * here in float64 straight from the tensors, and the tracks must hold those numbers, layer by layer, matched by node
 * id, with no twin curve for the BN layer the twin lacks.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../../../engine/core/random';
import { chainDocument } from '../../../engine/graph/build';
import { referenceBackend } from '../../../engine/kernels/registry';
import { compileModel, forward, makeContext, type RunnableModel } from '../../../engine/train/executor';
import { layerStats } from '../../../engine/train/trainer';
import { bnTwin } from '../../../engine/train/twin';
import { drift, layerTracks, rangeOf } from '../../../renderer/panels/inside/layer-tracks';
import { DEFAULT_CONFIG, useTraining, type StatsPoint } from '../../../renderer/stores/training';
import { memoryEnginePort } from '../../support/engine';
import { createEngineClient } from '../../../renderer/services/engine-client';
import type { LayerStat, TrainEvent } from '../../../engine/train/trainer';

const CNN = chainDocument([
  { className: 'InputLayer', config: { shape: [6, 6, 1] } },
  { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3], use_bias: false } },
  { className: 'BatchNormalization' },
  { className: 'Activation', config: { activation: 'relu' } },
  { className: 'Flatten' },
  { className: 'Dense', config: { units: 3, activation: 'softmax' } },
]);

function batch(seed: number) {
  const rng = new Random(seed);
  const data = Float32Array.from({ length: 8 * 36 }, () => rng.next() * 3 + 1);
  return { shape: [8, 6, 6, 1], data };
}

/** Mean and population std in float64, two passes: the reference the tracks are checked against. */
function reference(data: Float32Array) {
  let s = 0;
  for (const v of data) s += v;
  const mean = s / data.length;
  let q = 0;
  for (const v of data) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / data.length) };
}

function compiled(doc: typeof CNN): RunnableModel {
  const c = compileModel(doc, 3);
  if (!c.ok) throw new Error(c.message);
  return c.model;
}

describe('per-layer statistics tracks', () => {
  const model = compiled(CNN);
  const twin = compiled(bnTwin(CNN).doc);
  const passes = [1, 2].map((seed) => ({
    model: forward(model, [batch(seed)], makeContext(referenceBackend, true, seed)).values,
    twin: forward(twin, [batch(seed)], makeContext(referenceBackend, true, seed)).values,
  }));
  const point = (step: number, values: Map<string, { data: Float32Array }>, m: RunnableModel): StatsPoint => ({
    step,
    epoch: 0,
    stats: layerStats(m, values as never),
  });
  const stats = {
    model: passes.map((p, i) => point(i * 5 + 1, p.model, model)),
    'without BN': passes.map((p, i) => point(i * 5 + 1, p.twin, twin)),
  };

  it('holds every layer of the model in running order, the BN layer without a twin curve', () => {
    const tracks = layerTracks(stats, true);
    expect(tracks.steps).toEqual([1, 6]);
    expect(tracks.layers.map((l) => l.className)).toEqual([
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'Flatten',
      'Dense',
    ]);
    expect(tracks.layers.map((l) => l.name)).toEqual([
      'conv2d',
      'batch_normalization',
      'activation',
      'flatten',
      'dense',
    ]);
    const bn = tracks.layers.find((l) => l.className === 'BatchNormalization')!;
    expect(bn.twin).toBeNull();
    expect(tracks.layers.filter((l) => l.className !== 'BatchNormalization').every((l) => l.twin !== null)).toBe(true);
  });

  it('equals the mean and std of each layer output computed from the engine tensors', () => {
    const tracks = layerTracks(stats, true);
    for (const layer of tracks.layers)
      passes.forEach((p, i) => {
        const own = reference(p.model.get(layer.nodeId)!.data);
        expect(layer.model.mean[i]).toBeCloseTo(own.mean, 4);
        expect(layer.model.std[i]).toBeCloseTo(own.std, 4);
        if (!layer.twin) return;
        const other = reference(p.twin.get(layer.nodeId)!.data);
        expect(layer.twin.mean[i]).toBeCloseTo(other.mean, 4);
        expect(layer.twin.std[i]).toBeCloseTo(other.std, 4);
      });
    // In training mode BN's output is normalized per channel: with gamma 1 and beta 0, overall mean 0 and std 1,
    // while the twin's convolution output (inputs in [1, 4]) is far from it.
    const bn = tracks.layers[1];
    expect(bn.model.mean[0]).toBeCloseTo(0, 4);
    expect(bn.model.std[0]!).toBeCloseTo(1, 2);
  });

  it('draws a single run without twin curves', () => {
    const tracks = layerTracks({ model: stats.model }, false);
    expect(tracks.hasTwin).toBe(false);
    expect(tracks.layers.every((l) => l.twin === null)).toBe(true);
  });

  it('aligns a twin that sampled other steps with nulls, and spans both bands in one range', () => {
    const tracks = layerTracks(
      { model: [stats.model[0]], 'without BN': [{ ...stats['without BN'][1], step: 9 }] },
      true,
    );
    expect(tracks.steps).toEqual([1, 9]);
    const conv = tracks.layers[0];
    expect(conv.model.mean[1]).toBeNull();
    expect(conv.twin!.mean[0]).toBeNull();
    const [lo, hi] = conv.range;
    for (const b of [conv.model, conv.twin!])
      b.mean.forEach((m, i) => {
        if (m === null) return;
        expect(lo).toBeLessThanOrEqual(m - b.std[i]!);
        expect(hi).toBeGreaterThanOrEqual(m + b.std[i]!);
      });
  });

  it('gives a flat or empty band a visible range, and measures drift from the first to the last sample', () => {
    expect(rangeOf([{ mean: [2, 2], std: [0, 0] }])).toEqual([1, 3]);
    expect(rangeOf([{ mean: [null], std: [null] }])).toEqual([-1, 1]);
    expect(drift({ mean: [0.5, null, 2], std: [1, null, 0.25] })).toEqual({ mean: 1.5, std: -0.75 });
    expect(drift({ mean: [1], std: [1] })).toBeNull();
  });
});

describe('tracks from a streamed comparison', () => {
  it('hold every layer-stats event the engine streamed for both models, through the training store', async () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 2, kernel_size: [3, 3], use_bias: false } },
      { className: 'BatchNormalization' },
      { className: 'Activation', config: { activation: 'relu' } },
      { className: 'GlobalAveragePooling2D' },
      { className: 'Dense', config: { units: 4, activation: 'softmax' } },
    ]);
    useTraining.setState({ runs: [], activeId: null, selectedId: null, requestId: null, config: DEFAULT_CONFIG });
    const config = {
      ...DEFAULT_CONFIG,
      datasetId: 'shapes' as const,
      subset: 48,
      epochs: 1,
      batchSize: 16,
      validationSplit: 0,
      loss: 'sparse_categorical_crossentropy' as const,
    };
    useTraining.getState().begin({ id: 'r', datasetTitle: 'Shapes', config, compareBn: true, document: doc });
    const streamed: Record<string, { step: number; stats: LayerStat[] }[]> = {};
    const client = createEngineClient(memoryEnginePort());
    const result = await client.request(
      'train',
      {
        document: doc,
        dataset: { id: 'shapes', subset: 48, seed: 0 },
        settings: { loss: config.loss, optimizer: { name: 'adam' }, epochs: 1, batchSize: 16, seed: 0, statsEvery: 1 },
        compareBn: true,
      },
      {
        onProgress: (update) => {
          const { run, event } = update.data as { run: string; event: TrainEvent };
          if (event.type === 'layer-stats') (streamed[run] ??= []).push({ step: event.step, stats: event.stats });
          useTraining.getState().progress('r', update);
        },
      },
    );
    client.dispose();
    expect(result.ok).toBe(true);
    // 48 samples in batches of 16: three steps, statistics at each, for each model.
    expect(streamed.model.map((p) => p.step)).toEqual([1, 2, 3]);
    expect(streamed['without BN'].map((p) => p.step)).toEqual([1, 2, 3]);
    const tracks = layerTracks(useTraining.getState().runs[0].stats, true);
    expect(tracks.steps).toEqual([1, 2, 3]);
    expect(tracks.layers.map((l) => l.name)).toEqual([
      'conv2d',
      'batch_normalization',
      'activation',
      'global_average_pooling2d',
      'dense',
    ]);
    for (const layer of tracks.layers) {
      expect(layer.model.mean).toEqual(streamed.model.map((p) => p.stats.find((s) => s.nodeId === layer.nodeId)!.mean));
      expect(layer.model.std).toEqual(streamed.model.map((p) => p.stats.find((s) => s.nodeId === layer.nodeId)!.std));
      const twin = streamed['without BN'].map((p) => p.stats.find((s) => s.nodeId === layer.nodeId));
      if (layer.className === 'BatchNormalization') expect(layer.twin).toBeNull();
      else expect(layer.twin!.mean).toEqual(twin.map((s) => s!.mean));
    }
  });
});
