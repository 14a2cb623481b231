// The text template learns the built-in review sentences in the engine: Embedding → LSTM → Dense, trained through
// the fit loop with Adam on the reference kernels, ends with a loss well under chance's ln 2 and beats chance on
// held-out sentences. Keras's loss on the same model and data: test/interop/test_text_train.py.
import { describe, expect, it } from 'vitest';
import { generateBuiltin } from '../../../engine/data/registry';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import { referenceBackend } from '../../../engine/kernels/reference';
import { train } from '../../../engine/train/trainer';

describe('the text classifier template', () => {
  const template = getTemplate('text-lstm')!;
  const data = generateBuiltin('reviews', { count: 800 })!;

  it('is shaped for the review sentences: ids in, an embedding row per vocabulary word, two classes out', () => {
    expect(template.dataset).toBe('reviews');
    const doc = template.build();
    const inference = infer(doc);
    expect(inference.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const embedding = doc.nodes.find((n) => n.className === 'Embedding')!;
    expect(embedding.config.input_dim).toBe(data.vocabulary!.length);
    expect(inference.nodes.get(inference.outputs[0])!.outputShape).toEqual([null, 2]);
  });

  it('learns them: the loss falls from chance and held-out sentences beat a coin', async () => {
    const r = await train(
      template.build(),
      data,
      {
        loss: 'sparse_categorical_crossentropy',
        optimizer: { name: 'adam', learning_rate: 0.01 },
        epochs: 4,
        batchSize: 32,
        seed: 0,
        validationSplit: 0.1,
      },
      { backend: referenceBackend },
    );
    expect(r.status).toBe('completed');
    expect(r.history.loss[0]).toBeGreaterThan(0.6);
    expect(r.history.loss[3]).toBeLessThan(r.history.loss[0] * 0.85);
    expect(r.history.val_accuracy[3]).toBeGreaterThan(0.65);
  });
});
