// Keras 3 records arithmetic on KerasTensors as keras.src.ops.numpy ops (test/fixtures/keras-json/make_keras_ops.py
// ran real Keras): every op of a tensor and a number reads as a Rescaling that computes what the op computes, so
// the model predicts what Keras predicted; ops of two tensors read as their merge layers; other ops are refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predict } from '../../../cli/predict';
import { readModelFile } from '../../../engine/formats/detect';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { referenceBackend } from '../../../engine/kernels/reference';

const FIXTURES = join(import.meta.dirname, '../../fixtures/keras-json');
const read = (file: string) =>
  readModelFile(new TextEncoder().encode(readFileSync(join(FIXTURES, file), 'utf8')), file);

describe('keras.src.ops.numpy ops in a Keras 3 functional model', () => {
  it('read as Rescaling and merge layers that predict what Keras predicted', async () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'keras3.15-scalar-ops.json'), 'utf8')) as {
      model: unknown;
      input: number[][];
      output: number[][];
    };
    const r = await readModelFile(new TextEncoder().encode(JSON.stringify(fixture.model)), 'scalar-ops.json');
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const nodes = r.document.nodes.map((n) => [n.name, n.className, n.config.scale, n.config.offset]);
    expect(nodes).toEqual([
      ['input_layer', 'InputLayer', undefined, undefined],
      ['add', 'Rescaling', 1, 3],
      ['subtract', 'Rescaling', -1, 2],
      ['multiply', 'Rescaling', 0.5, 0],
      ['true_divide', 'Rescaling', 0.25, 0],
      ['negative', 'Rescaling', -1, 0],
      ['add_1', 'Rescaling', 1, 1.5],
      ['subtract_1', 'Rescaling', 1, -0.25],
      ['multiply_1', 'Rescaling', 3, 0],
      ['re_lu', 'ReLU', undefined, undefined],
      ['add_2', 'Add', undefined, undefined],
      ['multiply_2', 'Multiply', undefined, undefined],
    ]);
    const x = { shape: [3, 5], data: Float32Array.from(fixture.input.flat()) };
    const y = predict(r.document, x, false, referenceBackend);
    if (!('data' in y)) throw new Error(y.message);
    expect(y.shape).toEqual([3, 5]);
    fixture.output.flat().forEach((e, i) => expect(y.data[i]).toBeCloseTo(e, 5));
  });

  it('that are not an affine map of one tensor are refused by name, with what to write instead', async () => {
    const r = await read('keras3.15-other-ops.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.errors.map((e) => e.message);
    expect(messages).toEqual([
      'op "power" (keras.src.ops.numpy.Power of ["tensor",2]) is not an operation LayerCanvas can compute; 1 input fed by it left unconnected',
      'op "true_divide_1" (keras.src.ops.numpy.TrueDivide of [2,"tensor"]) is not an operation LayerCanvas can compute; 1 input fed by it left unconnected',
    ]);
    expect(r.errors[0].hint).toMatch(/Rescaling\(scale, offset\)/);
  });

  it('written as Python arithmetic on tensors read the same way and predict what Keras predicted', () => {
    const fixture = JSON.parse(readFileSync(join(FIXTURES, 'keras3.15-scalar-ops.json'), 'utf8')) as {
      input: number[][];
      output: number[][];
    };
    // The model make_keras_ops.py builds, line for line.
    const r = importKerasPython(
      [
        'import keras',
        'inp = keras.Input((5,))',
        'x = inp + 3.0',
        'x = 2.0 - x',
        'x = x * 0.5',
        'x = x / 4.0',
        'x = -x',
        'x = 1.5 + x',
        'x = x - 0.25',
        'x = 3.0 * x',
        'x = keras.layers.ReLU(6.0)(x)',
        'x = x + inp',
        'x = x * inp',
        'model = keras.Model(inp, x, name="scalar_ops")',
      ].join('\n'),
    );
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    expect(r.document.nodes.map((n) => [n.className, n.config.scale, n.config.offset])).toEqual([
      ['InputLayer', undefined, undefined],
      ['Rescaling', 1, 3],
      ['Rescaling', -1, 2],
      ['Rescaling', 0.5, 0],
      ['Rescaling', 0.25, 0],
      ['Rescaling', -1, 0],
      ['Rescaling', 1, 1.5],
      ['Rescaling', 1, -0.25],
      ['Rescaling', 3, 0],
      ['ReLU', undefined, undefined],
      ['Add', undefined, undefined],
      ['Multiply', undefined, undefined],
    ]);
    const y = predict(
      r.document,
      { shape: [3, 5], data: Float32Array.from(fixture.input.flat()) },
      false,
      referenceBackend,
    );
    if (!('data' in y)) throw new Error(y.message);
    fixture.output.flat().forEach((e, i) => expect(y.data[i]).toBeCloseTo(e, 5));
  });

  it('written as augmented assignment read the same way: x += inp is the Add layer, x *= 2 a Rescaling', () => {
    const r = importKerasPython(
      'import keras\ninp = keras.Input((5,))\nx = inp\nx += inp\nx *= 2\nmodel = keras.Model(inp, x)\n',
    );
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    expect(r.document.nodes.map((n) => [n.className, n.config.scale])).toEqual([
      ['InputLayer', undefined],
      ['Add', undefined],
      ['Rescaling', 2],
    ]);
  });

  it('written as Python arithmetic that is not affine stays refused', () => {
    const r = importKerasPython('import keras\ninp = keras.Input((5,))\nmodel = keras.Model(inp, inp ** 2)\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toBe("'**' on tensors is not supported");
  });
});
