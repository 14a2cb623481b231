// The fit loop end to end on the reference kernels: whole-model gradients, learning, reproducibility, stop, NaN,
// and the BatchNormalization twin.
import { describe, expect, it } from 'vitest';
import { circles } from '../../../engine/data/generators/points';
import type { Dataset } from '../../../engine/data/types';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import { referenceBackend } from '../../../engine/kernels/reference';
import { backward, compileModel, forward, makeContext } from '../../../engine/train/executor';
import { computeLoss } from '../../../engine/train/losses';
import { train, type TrainSettings } from '../../../engine/train/trainer';
import { bnTwin } from '../../../engine/train/twin';

const hooks = { backend: referenceBackend, yieldToEvents: async () => {} };

describe('whole-model gradients', () => {
  it('a residual CNN with BN (training mode) backpropagates to every weight as finite differences say', () => {
    const doc = graphDocument(
      [
        { className: 'InputLayer', config: { shape: [5, 5, 2] } },
        { className: 'Conv2D', config: { filters: 2, kernel_size: 3, padding: 'same', use_bias: false } },
        { className: 'BatchNormalization' },
        { className: 'Activation', config: { activation: 'tanh' } },
        { className: 'Add' },
        { className: 'MaxPooling2D' },
        { className: 'Flatten' },
        { className: 'Dense', config: { units: 3, activation: 'softmax' } },
      ],
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [0, 4],
        [4, 5],
        [5, 6],
        [6, 7],
      ],
    );
    const compiled = compileModel(doc, 3);
    if (!compiled.ok) throw new Error(compiled.message);
    const model = compiled.model;
    const x = { shape: [3, 5, 5, 2], data: Float32Array.from({ length: 150 }, (_, i) => Math.sin(i * 0.7)) };
    const y = Int32Array.of(0, 2, 1);
    const ctx = makeContext(referenceBackend, true, 1);
    const lossOf = () => {
      const pass = forward(model, [x], ctx);
      const dense = pass.caches.get(model.outputId)!;
      return {
        pass,
        r: computeLoss('sparse_categorical_crossentropy', pass.output, y, {
          fromLogits: false,
          outputActivation: 'softmax',
          logits: (dense.saved as { preActivation: never }).preActivation,
        }),
      };
    };
    const { pass, r } = lossOf();
    const grads = backward(model, pass, r.grad, ctx, r.gradIsLogits);
    let checked = 0;
    for (const node of model.nodes) {
      for (const name of node.trainable) {
        const w = node.weights[name].data;
        const g = grads.get(node.id)![name];
        for (let i = 0; i < w.length; i += Math.max(1, Math.floor(w.length / 5))) {
          const keep = w[i];
          w[i] = keep + 1e-3;
          const up = lossOf().r.loss;
          w[i] = keep - 1e-3;
          const down = lossOf().r.loss;
          w[i] = keep;
          const numeric = (up - down) / 2e-3;
          expect(Math.abs(g[i] - numeric), `${node.name}/${name}[${i}]`).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
  });
});

describe('input gradients nothing needs', () => {
  it('a Dense after Flatten skips its input gradient (Flatten has no weights), with the same weight gradients', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4, 3, 2] } },
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 5, activation: 'relu' } },
      { className: 'Dense', config: { units: 3, activation: 'softmax' } },
    ]);
    const compiled = compileModel(doc, 4);
    if (!compiled.ok) throw new Error(compiled.message);
    const model = compiled.model;
    const x = { shape: [2, 4, 3, 2], data: Float32Array.from({ length: 48 }, (_, i) => Math.cos(i * 0.3)) };
    const y = Int32Array.of(2, 0);
    const ctx = makeContext(referenceBackend, true, 1);
    const pass = forward(model, [x], ctx);
    const [flatten, hidden, output] = model.nodes.filter((n) => n.def.arity !== 'none');
    expect(pass.caches.get(flatten.id)!.inputGradsNeeded).toBe(false);
    expect(pass.caches.get(hidden.id)!.inputGradsNeeded).toBe(false);
    expect(pass.caches.get(output.id)!.inputGradsNeeded).toBe(true);
    const dense = pass.caches.get(model.outputId)!;
    const r = computeLoss('sparse_categorical_crossentropy', pass.output, y, {
      fromLogits: false,
      outputActivation: 'softmax',
      logits: (dense.saved as { preActivation: never }).preActivation,
    });
    const skipped = backward(model, pass, r.grad, ctx, r.gradIsLogits);
    for (const c of pass.caches.values()) c.inputGradsNeeded = true;
    const full = backward(model, pass, r.grad, ctx, r.gradIsLogits);
    for (const node of [hidden, output])
      for (const name of node.trainable)
        expect(Array.from(skipped.get(node.id)![name]), `${node.name}/${name}`).toEqual(
          Array.from(full.get(node.id)![name]),
        );
  });
});

describe('fit', () => {
  const mlp = chainDocument([
    { className: 'InputLayer', config: { shape: [2] } },
    { className: 'Dense', config: { units: 16, activation: 'relu' } },
    { className: 'Dense', config: { units: 16, activation: 'relu' } },
    { className: 'Dense', config: { units: 2, activation: 'softmax' } },
  ]);
  const data: Dataset = circles({ count: 400, seed: 1 });
  const settings: TrainSettings = {
    loss: 'sparse_categorical_crossentropy',
    optimizer: { name: 'adam', learning_rate: 0.02 },
    epochs: 25,
    batchSize: 32,
    seed: 5,
    validationSplit: 0.2,
  };

  it('an MLP learns two circles, reporting per-batch and per-epoch progress', async () => {
    const events: string[] = [];
    const r = await train(mlp, data, settings, { ...hooks, onEvent: (e) => events.push(e.type) });
    expect(r.status).toBe('completed');
    expect(r.history.loss).toHaveLength(25);
    expect(r.history.loss[24]).toBeLessThan(r.history.loss[0] * 0.5);
    expect(r.history.val_accuracy[24]).toBeGreaterThan(0.9);
    expect(events.filter((e) => e === 'batch')).toHaveLength(25 * 10);
    expect(events.filter((e) => e === 'epoch')).toHaveLength(25);
    expect(Object.keys(r.weights!)).toHaveLength(3);
  });

  it('the same seed gives the same curve twice; another seed another curve', async () => {
    const short = { ...settings, epochs: 2 };
    const a = await train(mlp, data, short, hooks);
    const b = await train(mlp, data, short, hooks);
    const c = await train(mlp, data, { ...short, seed: 6 }, hooks);
    expect(a.batchLoss).toEqual(b.batchLoss);
    expect(a.batchLoss).not.toEqual(c.batchLoss);
  });

  it('a stop request takes effect before the next batch', async () => {
    let batchesSeen = 0;
    const r = await train(mlp, data, settings, {
      ...hooks,
      onEvent: (e) => e.type === 'batch' && batchesSeen++,
      shouldStop: () => batchesSeen >= 3,
    });
    expect(r.status).toBe('stopped');
    expect(r.batchLoss).toHaveLength(3);
    expect(r.weights).toBeDefined();
  });

  it('a diverging loss stops the run with the batch and a hint', async () => {
    const r = await train(mlp, data, { ...settings, optimizer: { name: 'sgd', learning_rate: 1e12 } }, hooks);
    expect(r.status).toBe('failed');
    expect(r.error!.message).toMatch(/^the loss became (NaN|Infinity) at epoch \d+, batch \d+/);
    expect(r.error!.hint).toContain('lower the learning rate (now 1000000000000)');
  });

  it('data that does not fit the Input is refused with both shapes', async () => {
    const r = await train(getTemplate('cnn-bn-before-activation')!.build(), data, settings, hooks);
    expect(r.status).toBe('failed');
    expect(r.error!.message).toBe("The dataset's samples are (2,) but the model's Input is (28, 28, 1).");
  });

  it("the article's CNN without Flatten is refused for classification, with the fix", async () => {
    const images: Dataset = {
      name: 'rgb',
      description: '',
      x: new Float32Array(4 * 28 * 28 * 3),
      y: Int32Array.of(0, 1, 0, 1),
      sampleShape: [28, 28, 3],
      numClasses: 2,
      count: 4,
      normalization: [],
    };
    const r = await train(getTemplate('article-cnn')!.build(), images, settings, hooks);
    expect(r.error!.message).toBe("the model's output is (None, 12, 12, 2), but classifying 2 classes needs (None, 2)");
    expect(r.error!.hint).toContain('Flatten');
  });

  it('a model too large for the memory budget is refused with the estimate, before anything is allocated', async () => {
    const r = await train(
      mlp,
      data,
      { ...settings, memoryBudget: { bytes: 20_000, machineBytes: 80_000, source: 'default' } },
      hooks,
    );
    expect(r.status).toBe('failed');
    expect(r.error!.message).toMatch(
      /^training a batch of \d+ needs about [\d.]+ KB \(weights [\d.]+ KB; gradients and optimizer state [\d.]+ KB; activations and their gradients [\d.]+ KB, mostly \w+'s \(None, \d+\); data [\d.]+ KB\); the memory budget is 19.5 KB, a quarter of this machine's 78.1 KB$/,
    );
    expect(r.weights).toBeUndefined();
  });

  it('layer statistics are the mean and std of each layer output', async () => {
    const stats: { name: string; mean: number; std: number }[][] = [];
    await train(
      mlp,
      data,
      { ...settings, epochs: 1, statsEvery: 5 },
      { ...hooks, onEvent: (e) => e.type === 'layer-stats' && stats.push(e.stats) },
    );
    expect(stats.length).toBe(3); // steps 1, 5, 10
    expect(stats[0].map((s) => s.name)).toEqual(['dense', 'dense_1', 'dense_2']);
    expect(stats[0][2].mean).toBeCloseTo(0.5, 5); // softmax over 2 classes averages 1/2
  });
});

describe('BatchNormalization twin', () => {
  it('removes every BN, reconnects its input to its consumers and restores the bias before it', () => {
    const doc = getTemplate('cnn-bn-before-activation')!.build();
    const twin = bnTwin(doc);
    expect(twin.removed).toEqual(['batch_normalization', 'batch_normalization_1', 'batch_normalization_2']);
    expect(twin.biasRestored).toEqual(['conv2d', 'conv2d_1', 'dense']);
    const inf = infer(twin.doc);
    expect(inf.errorCount).toBe(0);
    expect(twin.doc.nodes.map((n) => n.className)).toEqual([
      'InputLayer',
      'Conv2D',
      'Activation',
      'Conv2D',
      'Activation',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Activation',
    ]);
    // 320 + 9,248 + 46,090: the convolutions and the classifier have their biases again.
    expect(inf.totals.total).toBe(320 + 9248 + 46090);
    expect(doc.nodes.filter((n) => n.className === 'BatchNormalization')).toHaveLength(3); // the original is untouched
  });
  it('keeps the residual block valid, merge order included', () => {
    const twin = bnTwin(getTemplate('residual-block')!.build());
    const inf = infer(twin.doc);
    expect(inf.errorCount).toBe(0);
    const add = twin.doc.nodes.find((n) => n.className === 'Add')!;
    expect(
      twin.doc.edges.filter((e) => e.target === add.id).map((e) => twin.doc.nodes.find((n) => n.id === e.source)!.name),
    ).toEqual(['conv2d_1', 'input_layer']);
  });
});
