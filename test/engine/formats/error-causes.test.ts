import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FormatError } from '../../../engine/core/problems';
import { foldByCause } from '../../../engine/formats/error-causes';
import { readKerasJson } from '../../../engine/formats/keras-json';
import { importKerasPython } from '../../../engine/formats/keras-python';

// Models real Keras 3.15 builds (test/fixtures/refusals/make_refusals.py writes both the JSON and the Python).
const FIXTURES = join(__dirname, '../../fixtures/refusals');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function errorsOf(result: ReturnType<typeof readKerasJson>): FormatError[] {
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe('one error per cause in Keras JSON', () => {
  it("folds data_format='channels_first' on 7 layers into one error naming the count and the first layers", () => {
    const errors = errorsOf(readKerasJson(fixture('channels-first.json')));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(
      '7 layers: data_format "channels_first" is not supported: LayerCanvas works in channels_last (NHWC) (layers: conv1, conv2, pool1, …)',
    );
    expect(errors[0].path).toBe('config.layers[1].config.data_format');
  });

  it('folds a custom layer class used 3 times, with the inputs it feeds folded under it', () => {
    const errors = errorsOf(readKerasJson(fixture('custom-layer.json')));
    expect(errors.map((e) => e.message)).toEqual([
      "3 layers: 'Scale' is not a layer LayerCanvas knows (layers: scale1, scale2, scale3); 2 inputs fed by them left unconnected",
    ]);
  });

  it('folds an unsupported initializer on 4 layers and leaves the layer without it alone', () => {
    const errors = errorsOf(readKerasJson(fixture('identity-initializer.json')));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(
      /^4 layers: initializer Identity is not one LayerCanvas supports \(layers: block1, block2, block3, …\)$/,
    );
  });

  it('folds an unsupported activation on 3 parallel branches', () => {
    const errors = errorsOf(readKerasJson(fixture('sparsemax.json')));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(
      /^3 layers: activation must be one of .*got 'sparsemax' \(layers: attend_a, attend_b, attend_c\)$/,
    );
  });
});

describe('one error per cause in Keras Python', () => {
  const pythonErrors = (text: string): FormatError[] => {
    const result = importKerasPython(text);
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.errors;
  };

  it("folds data_format='channels_first' on 7 layers, located at the first", () => {
    const errors = pythonErrors(fixture('channels-first.py'));
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe(
      "7 layers: data_format='channels_first' is not supported (layers: conv1, conv2, pool1, …)",
    );
    expect(errors[0].location).toMatchObject({ line: 6 });
  });

  it('folds an unsupported initializer and an unsupported activation', () => {
    expect(pythonErrors(fixture('identity-initializer.py')).map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^4 layers: kernel_initializer must be one of .*got 'identity' \(layers: block1, block2, block3, …\)$/,
      ),
    ]);
    expect(pythonErrors(fixture('sparsemax.py')).map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^3 layers: activation must be one of .*got 'sparsemax' \(layers: attend_a, attend_b, attend_c\)$/,
      ),
    ]);
  });

  it('names unnamed layers by their line and folds an unknown layer class', () => {
    const errors = pythonErrors(
      [
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([',
        '    keras.Input((8,)),',
        '    layers.Dens(8),',
        '    layers.Dens(8),',
        "    layers.Dens(4, name='head'),",
        '])',
      ].join('\n'),
    );
    expect(errors.map((e) => e.message)).toEqual([
      '3 layers: Dens is not a layer LayerCanvas supports (layers: line 5, line 6, head)',
    ]);
    expect(errors[0].location).toMatchObject({ line: 5 });
  });

  it('keeps different causes apart, each in the order first met', () => {
    const errors = pythonErrors(
      [
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([',
        '    keras.Input((3, 8, 8)),',
        "    layers.Conv2D(4, 3, data_format='channels_first', activation='sparsemax'),",
        "    layers.Conv2D(4, 3, data_format='channels_first'),",
        "    layers.Dense(4, activation='sparsemax'),",
        '])',
      ].join('\n'),
    );
    expect(errors.map((e) => e.message)).toEqual([
      "2 layers: data_format='channels_first' is not supported (layers: line 5, line 6)",
      expect.stringMatching(/^2 layers: activation must be one of .*got 'sparsemax' \(layers: line 5, line 7\)$/),
    ]);
  });
});

describe('foldByCause', () => {
  const at = (layer: string, message: string): FormatError => ({ message, path: `layers.${layer}` });
  const layerOf = (e: FormatError) => e.path?.slice('layers.'.length);

  it('leaves a cause met once as it was, and passes through errors outside any layer', () => {
    const once = at('a', 'bad');
    const global: FormatError = { message: 'no model' };
    expect(foldByCause([once, global], layerOf)).toEqual([once, global]);
  });

  it('counts a layer once however many times it repeats the cause, and lists at most 3 names', () => {
    const errors = ['a', 'a', 'b', 'c', 'd'].map((l) => at(l, 'bad'));
    expect(foldByCause(errors, layerOf).map((e) => e.message)).toEqual(['4 layers: bad (layers: a, b, c, …)']);
  });

  it('folds "not a layer of this model" only under layers that could not be read', () => {
    const errors = [
      at('x', 'unknown class'),
      { message: `the input 'x' is not a layer of this model` },
      { message: `the input 'ghost' is not a layer of this model` },
    ];
    expect(foldByCause(errors, layerOf, new Set(['x'])).map((e) => e.message)).toEqual([
      'unknown class; 1 input fed by it left unconnected',
      `the input 'ghost' is not a layer of this model`,
    ]);
  });
});
