// The one resource estimate (engine/graph/resources.ts), its refusal messages, and compileModel refusing before
// it allocates a single weight.
import { describe, expect, it } from 'vitest';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { infer } from '../../../engine/graph/inference';
import { approxBytes, checkResources, estimateResources, optimizerSlots } from '../../../engine/graph/resources';
import { getTemplate } from '../../../engine/graph/templates';
import { compileModel } from '../../../engine/train/executor';

const GIB = 1024 ** 3;
const MACHINE = { bytes: 6 * GIB, machineBytes: 24 * GIB, source: 'default' };

function fromPython(layers: string, input = '(20000,)') {
  const r = importKerasPython(
    `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=${input}), ${layers}])\n`,
  );
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
}

describe('the resource estimate', () => {
  it("counts the article CNN's weights as Keras's summary sizes them (10,466 params = 40.88 KB)", () => {
    const inference = infer(getTemplate('article-cnn')!.build());
    const e = estimateResources(inference, { mode: 'predict', batchSize: 1 });
    expect(e.weightBytes).toBe(10_466 * 4);
    expect(e.gradientBytes).toBe(0);
  });

  it('training adds one gradient per trainable weight and the optimizer slots (Adam 2, SGD 0, momentum 1)', () => {
    const inference = infer(fromPython('layers.Dense(10)', '(4,)'));
    const adam = estimateResources(inference, { mode: 'train', batchSize: 8, optimizer: { name: 'adam' } });
    expect(adam.weightBytes).toBe(50 * 4);
    expect(adam.gradientBytes).toBe(50 * 4);
    expect(adam.optimizerBytes).toBe(2 * 50 * 4);
    // Outputs per sample: the Input's 4 and the Dense's 10; three copies each when training.
    expect(adam.activationBytes).toBe((4 + 10) * 8 * 4 * 3);
    expect(optimizerSlots({ name: 'sgd' })).toBe(0);
    expect(optimizerSlots({ name: 'sgd', momentum: 0.9 })).toBe(1);
    expect(optimizerSlots({ name: 'rmsprop', centered: true })).toBe(2);
  });

  it('32 × Dense(20000): "needs about 47.7 GB for weights alone (32 × Dense(20000)); this machine has 24 GB"', () => {
    const inference = infer(fromPython(Array(32).fill('layers.Dense(20000)').join(', ')));
    const e = estimateResources(inference, { mode: 'predict', batchSize: 1 });
    expect(checkResources(e, MACHINE)).toEqual({
      message: 'needs about 47.7 GB for weights alone (32 × Dense(20000)); this machine has 24 GB',
      hint: 'use fewer or smaller layers',
    });
  });

  it('weights under the machine but over the budget name the budget and how to raise it', () => {
    const inference = infer(fromPython(Array(6).fill('layers.Dense(20000)').join(', ')));
    const r = checkResources(estimateResources(inference, { mode: 'predict', batchSize: 1 }), MACHINE);
    expect(r?.message).toBe(
      "needs about 8.9 GB for weights alone (6 × Dense(20000)); the memory budget is 6 GB, a quarter of this machine's 24 GB",
    );
    expect(r?.hint).toContain('--memory-budget');
  });

  it('activations name the batch and the largest output', () => {
    const inference = infer(
      fromPython('layers.UpSampling2D(1000), layers.GlobalAveragePooling2D(), layers.Dense(2)', '(28, 28, 1)'),
    );
    const r = checkResources(
      estimateResources(inference, { mode: 'train', batchSize: 32, optimizer: { name: 'adam' } }),
      MACHINE,
    );
    expect(r?.message).toMatch(
      /^training a batch of 32 needs about 280\.4 GB \(.*activations and their gradients 280\.4 GB, mostly up_sampling2d's \(None, 28000, 28000, 1\)\); the memory budget is 6 GB/,
    );
    expect(
      checkResources(estimateResources(inference, { mode: 'predict', batchSize: 1 }), { ...MACHINE, bytes: 4 * GIB }),
    ).toBeNull();
  });

  it('rounds as the message reads: 47.7 GB, 24 GB, 16 B', () => {
    expect(approxBytes(51_202_560_000)).toBe('47.7 GB');
    expect(approxBytes(24 * GIB)).toBe('24 GB');
    expect(approxBytes(16)).toBe('16 B');
  });
});

describe('compileModel with a budget', () => {
  it('refuses 48 GB of weights at once, without allocating them', () => {
    const doc = fromPython(Array(32).fill('layers.Dense(20000)').join(', '));
    const r = compileModel(doc, 0, { budget: MACHINE, run: { mode: 'predict', batchSize: 1 } });
    expect(r).toEqual({
      ok: false,
      message: 'needs about 47.7 GB for weights alone (32 × Dense(20000)); this machine has 24 GB',
      hint: 'use fewer or smaller layers',
    });
  });

  it('compiles a model inside the budget', () => {
    expect(
      compileModel(getTemplate('article-mlp')!.build(), 0, {
        budget: MACHINE,
        run: { mode: 'train', batchSize: 32, optimizer: { name: 'adam' } },
      }).ok,
    ).toBe(true);
  });
});
