// Embedding, LSTM and GRU beyond their numbers (sequence-keras-values.test.ts): the arguments LayerCanvas can't
// compute as Keras does are refused at their place with the value and the fix, in Python and in Keras JSON; the
// forget gate's bias starts at one; a text model infers Keras's shapes.
import { describe, expect, it } from 'vitest';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { writeKerasJson } from '../../../engine/formats/keras-json';
import { infer } from '../../../engine/graph/inference';
import { initializeWeights } from '../../../engine/train/initializers';
import type { Tensor } from '../../../engine/core/tensor';
import { referenceBackend } from '../../../engine/kernels/reference';
import { completeConfig } from '../../../engine/layers/config';
import { getLayer } from '../../../engine/layers/registry';
import type { RunContext } from '../../../engine/layers/types';

const model = (layer: string) => `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 3)),
    ${layer},
])
`;

describe('recurrent layers: what LayerCanvas cannot compute is refused where it is written', () => {
  it.each([
    ['layers.GRU(4, reset_after=False)', 'reset_after=False', 'reset_after=True'],
    ['layers.GRU(4, stateful=True)', 'stateful=True', 'zero state'],
  ])('Python %s', (layer, value, fix) => {
    const r = importKerasPython(model(layer));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain(value);
    expect(r.errors[0].hint).toContain(fix);
    expect(r.errors[0].location?.line).toBe(6);
  });

  it('Python Embedding(mask_zero=True) is refused with the fix', () => {
    const r = importKerasPython(model('layers.Embedding(100, 8, mask_zero=True)').replace('(6, 3)', '(6,)'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ message: expect.stringContaining('mask_zero=True') });
  });

  it('Keras JSON: the refused values are named at their JSON path', () => {
    const ok = importKerasPython(model('layers.GRU(4)'));
    if (!ok.ok) throw new Error(ok.errors[0].message);
    const json = JSON.parse(writeKerasJson(ok.document, 'keras3'));
    const gru = json.config.layers.findIndex((l: { class_name: string }) => l.class_name === 'GRU');
    Object.assign(json.config.layers[gru].config, { reset_after: false, stateful: true });
    const r = readKerasJson(JSON.stringify(json));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.path, e.message])).toEqual([
      [`config.layers[${gru}].config.stateful`, expect.stringContaining('true')],
      [`config.layers[${gru}].config.reset_after`, expect.stringContaining('false')],
    ]);
  });
});

describe('recurrent layers: shapes and initial weights', () => {
  const text = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,)),
    layers.Embedding(500, 16),
    layers.LSTM(12, return_sequences=True),
    layers.GRU(5),
])
`;

  it('Embedding → LSTM(return_sequences) → GRU gives (20, 16), (20, 12), (5)', () => {
    const r = importKerasPython(text);
    if (!r.ok) throw new Error(r.errors[0].message);
    const inf = infer(r.document);
    const shapes = r.document.nodes.map((n) => inf.nodes.get(n.id)!.outputShape);
    expect(shapes.slice(-3)).toEqual([
      [null, 20, 16],
      [null, 20, 12],
      [null, 5],
    ]);
  });

  it("LSTM's bias starts at one on the forget gate only (unit_forget_bias), zero elsewhere", () => {
    const r = importKerasPython(text);
    if (!r.ok) throw new Error(r.errors[0].message);
    const weights = initializeWeights(r.document, 3);
    const lstm = r.document.nodes.find((n) => n.className === 'LSTM')!;
    const bias = weights[lstm.id].find((w) => w.name === 'bias')!.tensor.data;
    expect(Array.from(bias)).toEqual([...Array(12).fill(0), ...Array(12).fill(1), ...Array(24).fill(0)]);
    const gru = r.document.nodes.find((n) => n.className === 'GRU')!;
    expect(weights[gru.id].find((w) => w.name === 'bias')!.tensor.shape).toEqual([2, 15]);
  });

  it('the Python export of the text model reads back as the same layers', () => {
    const r = importKerasPython(text);
    if (!r.ok) throw new Error(r.errors[0].message);
    const back = importKerasPython(exportKerasPython(r.document));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(back.document.nodes.map((n) => [n.className, n.config])).toEqual(
      r.document.nodes.map((n) => [n.className, n.config]),
    );
  });
});

describe('an Input of int32 token ids', () => {
  const code = `import keras
from keras import layers

inputs = keras.Input(shape=(20,), dtype="int32")
outputs = layers.Embedding(100, 4)(inputs)
model = keras.Model(inputs, outputs)
`;

  it('imports from Python, and Python and Keras JSON write it back as int32', () => {
    const r = importKerasPython(code);
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.document.nodes[0].config.dtype).toBe('int32');
    expect(exportKerasPython(r.document)).toContain('keras.Input(shape=(20,), dtype="int32"');
    const json = JSON.parse(writeKerasJson(r.document, 'keras3'));
    expect(json.config.layers[0].config.dtype).toBe('int32');
    // the Embedding is called on an int32 tensor, as Keras records it
    expect(json.config.layers[1].inbound_nodes[0].args[0].config.dtype).toBe('int32');
    const back = readKerasJson(JSON.stringify(json));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(back.document.nodes[0].config.dtype).toBe('int32');
  });

  it("dtype=None is Keras's float32", () => {
    const r = importKerasPython(code.replace('"int32"', 'None'));
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(JSON.parse(writeKerasJson(r.document, 'keras3')).config.layers[0].config.dtype).toBe('float32');
  });

  it('a dtype LayerCanvas does not compute is refused at its place', () => {
    const r = importKerasPython(code.replace('"int32"', '"float16"'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors[0].message).toContain('float16');
      expect(r.errors[0].location?.line).toBe(4);
    }
  });
});

describe('recurrent dropout masks: drawn once per call, shared by every step, only while training', () => {
  const x = (batch: number, steps: number, features: number): Tensor => ({
    shape: [batch, steps, features],
    data: Float32Array.from({ length: batch * steps * features }, (_, i) => Math.sin(i * 1.7)),
  });
  const run = (className: string, extra: Record<string, unknown>, input: Tensor, training: boolean) => {
    const def = getLayer(className)!;
    const { config } = completeConfig(def, { units: 3, return_sequences: true, ...extra });
    const specs = def.weights!(config, [[null, ...input.shape.slice(1)]]);
    const weights = Object.fromEntries(
      specs.map((s, k) => {
        const n = s.shape.reduce((a, b) => a * b, 1);
        return [s.name, { shape: s.shape, data: Float32Array.from({ length: n }, (_, i) => Math.cos(i + k) * 0.5) }];
      }),
    );
    const draws: Float32Array[] = [];
    let seed = 7;
    const ctx: RunContext = {
      backend: {
        ...referenceBackend,
        dropout(t, rate, s) {
          const r = referenceBackend.dropout(t, rate, s);
          draws.push(r.mask);
          return r;
        },
      },
      training,
      nextSeed: () => seed++,
    };
    return { y: def.forward!(ctx, config, [input], weights).output, draws, config, weights, def, ctx };
  };

  it.each([
    ['LSTM', { dropout: 0.5 }, [4 * 3]],
    ['GRU', { dropout: 0.5 }, [4 * 3]],
    ['LSTM', { dropout: 0.5, recurrent_dropout: 0.5 }, [...Array(4).fill(4 * 3), ...Array(4).fill(4 * 3)]],
    ['GRU', { recurrent_dropout: 0.5 }, Array(3).fill(4 * 3)],
  ])('%s %o draws masks of sizes %o (batch × features or batch × units), as Keras', (cls, extra, sizes) => {
    expect(run(cls, extra, x(4, 6, 3), true).draws.map((m) => m.length)).toEqual(sizes);
  });

  it.each(['LSTM', 'GRU'])(
    '%s with dropout in training equals inference on x times one (batch, features) mask at every step',
    (cls) => {
      const input = x(3, 5, 4);
      const { y, draws } = run(cls, { dropout: 0.5 }, input, true);
      const [mask] = draws;
      const maskedInput = {
        shape: input.shape,
        data: input.data.map((v, i) => v * mask[Math.floor(i / 20) * 4 + (i % 4)]),
      };
      const plain = run(cls, { dropout: 0.5 }, maskedInput, false);
      expect(plain.draws).toEqual([]);
      expect(Array.from(y.data)).toEqual(Array.from(plain.y.data));
    },
  );

  it('inference draws no mask and ignores both rates', () => {
    const input = x(2, 4, 3);
    const a = run('LSTM', { dropout: 0.6, recurrent_dropout: 0.6 }, input, false);
    expect(a.draws).toEqual([]);
    expect(Array.from(a.y.data)).toEqual(Array.from(run('LSTM', {}, input, false).y.data));
  });

  it('a mask keeps about 1 − rate of the values, scaled by 1/(1 − rate) (rate 0.3, 4000 samples × 25)', () => {
    const { draws } = run('GRU', { dropout: 0.3 }, x(4000, 1, 25), true);
    const mask = draws[0];
    const kept = mask.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.7)]));
    expect(kept.length / mask.length).toBeGreaterThan(0.69);
    expect(kept.length / mask.length).toBeLessThan(0.71);
  });
});
