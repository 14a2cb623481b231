/** One export for the CLI, the engine host and the editor: each format's refusals and files, decided in one place. */
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportModel } from '../../../engine/formats/export';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { chainDocument } from '../../../engine/graph/build';
import { tensor } from '../../../engine/core/tensor';

const valid = () =>
  chainDocument(
    [
      { className: 'InputLayer', config: { shape: [3] } },
      { className: 'Dense', config: { units: 2 } },
    ],
    'my model',
  );
const broken = () =>
  chainDocument([
    { className: 'InputLayer', config: { shape: [3, 3, 1] } },
    { className: 'Conv2D', config: { filters: 2, kernel_size: [5, 5] } },
  ]);

describe('exportModel', () => {
  it('names files after the model and writes what the format reads back', async () => {
    const out = await exportModel(valid(), 'keras-json');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.files.map((f) => f.name)).toEqual(['my_model.json']);
    const back = readKerasJson(out.files[0].data as string);
    expect(back.ok && back.document.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Dense']);
  });

  it('writes a TF.js model.json first and its weight shard beside it', async () => {
    const out = await exportModel(valid(), 'tfjs');
    expect(out.ok && out.files.map((f) => [f.name, typeof f.data])).toEqual([
      ['model.json', 'string'],
      ['group1-shard1of1.bin', 'object'],
    ]);
  });

  it('refuses a model with errors where the format needs one that builds, naming the first error', async () => {
    for (const format of ['keras-json', 'tfjs', 'weights-json'] as const) {
      const out = await exportModel(broken(), format);
      expect(out.ok).toBe(false);
      if (!out.ok) {
        expect(out.code).toBe('invalid-model');
        expect(out.message).toMatch(
          new RegExp(`^The model has 1 error\\(s\\), so it can't be exported as ${format}: .*kernel_size \\(5, 5\\)`),
        );
      }
    }
  });

  it('writes Keras code and projects of a model with errors: the user fixes it later', async () => {
    for (const format of ['keras-py', 'project'] as const) expect((await exportModel(broken(), format)).ok).toBe(true);
  });

  it('refuses weights JSON for a model without weights, and writes it once there are some', async () => {
    const none = await exportModel(valid(), 'weights-json');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none).toMatchObject({ code: 'no-weights', message: 'the model holds no weights to export' });
    const doc = valid();
    doc.weights = {
      n1: [
        { name: 'kernel', tensor: tensor([3, 2], new Float32Array(6)) },
        { name: 'bias', tensor: tensor([2], new Float32Array(2)) },
      ],
    };
    const out = await exportModel(doc, 'weights-json', { baseName: 'run-1' });
    expect(out.ok && out.files.map((f) => f.name)).toEqual(['run-1.weights.json']);
  });

  it('has a writer for every format the protocol and the CLI offer', async () => {
    // weights-json and onnx carry weights: a model without any is refused, with that reason.
    for (const format of EXPORT_FORMATS) {
      const out = await exportModel(valid(), format);
      expect(out.ok || ((format === 'weights-json' || format === 'onnx') && out.code === 'no-weights')).toBe(true);
    }
  });
});
