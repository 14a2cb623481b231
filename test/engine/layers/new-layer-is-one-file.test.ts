/**
 * Adding a layer is its definition plus one registry line: a throwaway layer, defined and registered only here,
 * goes through Keras JSON, Keras Python (both flavours), TF.js and the palette with no format, table or list told
 * about it. Its Keras signature (positional order, a tf.keras 2 spelling, an argument at its neutral value) comes
 * from the definition alone.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigValue } from '../../../engine/layers/types';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { exportTfjs, readTfjs } from '../../../engine/formats/tfjs';
import { chainDocument } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { getLayer, registerLayer } from '../../../engine/layers/registry';
import { defineLayer } from '../../../engine/layers/define';
import { Palette } from '../../../renderer/panels/Palette';

/** y = factor · x + shift, element-wise: a layer no Keras version has, so nothing else can know it. */
const ScaleShift = defineLayer({
  className: 'ScaleShift',
  group: 'Core',
  description: 'Multiplies every value by a factor and adds a shift (a test layer).',
  arity: 'one',
  keras: {
    args: ['factor', 'shift', 'data_format'],
    renamed: { multiplier: 'factor' },
  },
  traits: { keepsUnits: true },
  fields: {
    factor: { type: 'float', default: 1, required: true, doc: 'The factor.' },
    shift: { type: 'float', default: 0, doc: 'The shift.' },
  },
  outputShape: (_config, [input]) => input,
});

let unregister: () => void;
beforeAll(() => {
  unregister = registerLayer(ScaleShift);
});
afterAll(() => unregister());

const model = (): ModelDocument =>
  chainDocument([
    { className: 'InputLayer', config: { shape: [4] } },
    { className: 'ScaleShift', config: { factor: 2.5, shift: -1 }, name: 'scale_shift' },
    { className: 'Dense', config: { units: 3 } },
  ]);

const layerConfigs = (doc: ModelDocument) => doc.nodes.map((n) => ({ className: n.className, config: n.config }));
const scaleShiftOf = (doc: ModelDocument): Record<string, ConfigValue> =>
  doc.nodes.find((n) => n.className === 'ScaleShift')!.config;

describe('a layer defined and registered only in this test', () => {
  it('is valid to inference, with its output shape and no problems', () => {
    const inference = infer(model());
    expect(inference.errorCount).toBe(0);
    expect(inference.nodes.get('n1')!.outputShape).toEqual([null, 4]);
  });

  it('round-trips through Keras JSON, its config keys in its signature order', () => {
    const text = writeKerasJson(model());
    const layer = JSON.parse(text).config.layers.find((l: { class_name: string }) => l.class_name === 'ScaleShift');
    expect(Object.keys(layer.config)).toEqual(['name', 'trainable', 'dtype', 'factor', 'shift', 'data_format']);
    expect(layer.config.data_format).toBe('channels_last');
    const back = readKerasJson(text);
    expect(back.ok).toBe(true);
    if (back.ok) expect(layerConfigs(back.document)).toEqual(layerConfigs(model()));
  });

  it('reads its tf.keras 2 spelling from Keras JSON', () => {
    const text = writeKerasJson(model()).replace('"factor"', '"multiplier"');
    const back = readKerasJson(text);
    expect(back.ok).toBe(true);
    if (back.ok) expect(scaleShiftOf(back.document).factor).toBe(2.5);
  });

  it('round-trips through Keras Python, Keras 3 and tf.keras, its required argument positional', () => {
    for (const flavor of ['keras3', 'tf.keras'] as const) {
      const code = exportKerasPython(model(), { flavor });
      expect(code).toContain('layers.ScaleShift(2.5, shift=-1.0, name="scale_shift")');
      const back = importKerasPython(code);
      expect(back.ok).toBe(true);
      if (back.ok) expect(layerConfigs(back.document)).toEqual(layerConfigs(model()));
    }
  });

  it('binds Keras Python arguments by its signature: position, older spelling, neutral value, unknown name', () => {
    const code = (args: string) =>
      `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.ScaleShift(${args})])\n`;
    const positional = importKerasPython(code("3, 0.5, 'channels_last'"));
    expect(positional.ok && scaleShiftOf(positional.document)).toMatchObject({ factor: 3, shift: 0.5 });
    const renamed = importKerasPython(code('multiplier=4'));
    expect(renamed.ok && scaleShiftOf(renamed.document).factor).toBe(4);
    const notNeutral = importKerasPython(code("2, data_format='channels_first'"));
    expect(notNeutral.ok).toBe(false);
    if (!notNeutral.ok) expect(notNeutral.errors[0].message).toBe("data_format='channels_first' is not supported");
    const unknown = importKerasPython(code('2, shfit=1'));
    expect(unknown.ok).toBe(false);
    if (!unknown.ok)
      expect(unknown.errors[0]).toMatchObject({
        message: "ScaleShift has no argument 'shfit'",
        hint: "did you mean 'shift'?",
      });
  });

  it('round-trips through a TF.js model.json and its weights', () => {
    const exported = exportTfjs(model());
    const back = readTfjs(exported.modelJson, { read: (path) => exported.files[path] });
    expect(back.ok).toBe(true);
    if (back.ok) expect(layerConfigs(back.document)).toEqual(layerConfigs(model()));
  });

  it('is in the palette, in its group, with its description', () => {
    const html = renderToStaticMarkup(createElement(Palette, { onAdd: () => {} }));
    const core = html.slice(html.indexOf('aria-label="Core"'), html.indexOf('aria-label="Convolution"'));
    expect(core).toContain('ScaleShift');
    expect(core).toContain(ScaleShift.description);
  });

  it('is gone again once unregistered, and its name cannot be taken twice', () => {
    expect(() => registerLayer(ScaleShift)).toThrow('a layer named ScaleShift is already registered');
    const again = registerLayer({ ...ScaleShift, className: 'ScaleShift2' });
    again();
    expect(getLayer('ScaleShift2')).toBeUndefined();
  });
});
