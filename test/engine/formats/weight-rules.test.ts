// Regularizers and weight constraints in every format: the Keras 3.15 file Keras itself wrote (make_regularizer_
// fixtures.py), tf.keras 2's and TF.js's forms, Keras Python, and what is still refused, in one located line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRule, ruleText, weightRule } from '../../../engine/core/weight-rules';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { exportKerasPython } from '../../../engine/formats/keras-python';
import { exportTfjs, readTfjs } from '../../../engine/formats/tfjs';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { allFields, checkValue } from '../../../engine/layers/config';
import { getLayer, layerDefinitions } from '../../../engine/layers/registry';
import { ruleKindOf } from '../../../engine/core/weight-rules';
import { loadInTfjs } from '../../fixtures/tfjs/tfjs-models';
import { caseDocument } from './layer-cases';
import { errors, imported } from './python-import-helpers';

const kerasFixture = (which: string) =>
  readFileSync(
    new URL(`../../fixtures/keras-json/keras3.15-regularizers-constraints-${which}.json`, import.meta.url),
    'utf8',
  );

function read(text: string): ModelDocument {
  const r = readKerasJson(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  return r.document;
}

/** Every non-None regularizer and constraint field, by layer name and key. */
function rules(doc: ModelDocument): Record<string, string> {
  const names = infer(doc).nodes;
  const out: Record<string, string> = {};
  for (const n of doc.nodes)
    for (const [key, value] of Object.entries(n.config))
      if (ruleKindOf(key) && value !== null) out[`${names.get(n.id)!.name}.${key}`] = String(value);
  return out;
}

function denseWith(config: Record<string, unknown>, flavor: 'keras3' | 'keras2' = 'keras3') {
  const layer = {
    class_name: 'Dense',
    config: { name: 'dense', units: 2, ...config },
    ...(flavor === 'keras3' ? { module: 'keras.layers', registered_name: null } : {}),
  };
  return JSON.stringify({
    class_name: 'Sequential',
    config: {
      name: 'm',
      layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 3], name: 'x' } }, layer],
    },
  });
}

const denseErrors = (config: Record<string, unknown>) => {
  const r = readKerasJson(denseWith(config));
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('the stored text: the Python constructor call with every argument', () => {
  it.each([
    ['regularizer', 'L2(l2=0.01)'],
    ['regularizer', 'L1L2(l1=0.001, l2=0)'],
    ['constraint', 'NonNeg()'],
    ['constraint', 'MaxNorm(max_value=3, axis=[0, 1, 2])'],
    ['constraint', 'MinMaxNorm(min_value=0.5, max_value=2, rate=0.5, axis=-1)'],
  ] as const)('%s %s reads and writes back the same', (kind, text) => {
    const rule = parseRule(kind, text);
    expect(rule).not.toBeNull();
    expect(ruleText(rule!)).toBe(text);
  });

  it('only the stored form is a value: missing arguments, other classes and the other kind are not', () => {
    expect(parseRule('regularizer', 'L2(0.01)')).toBeNull();
    expect(parseRule('regularizer', 'MaxNorm(max_value=2, axis=0)')).toBeNull();
    expect(parseRule('constraint', 'Clip(min=0)')).toBeNull();
  });

  it("Keras's own checks: a negative or non-number factor, an axis that isn't integers", () => {
    expect(weightRule('regularizer', 'L2', { l2: -1 })).toBe("L2's l2 must be a non-negative number, got -1");
    expect(weightRule('constraint', 'MaxNorm', { axis: 0.5 })).toBe(
      "MaxNorm's axis must be an integer or a list of integers, got 0.5",
    );
    expect(weightRule('regularizer', 'OrthogonalRegularizer', {})).toMatch(
      /^regularizer OrthogonalRegularizer is not one LayerCanvas computes/,
    );
  });

  it('every layer Keras 3.15 gives regularizers and constraints has them as fields, checked like any field', () => {
    const withRules = layerDefinitions()
      .filter((d) => Object.keys(d.fields).some((k) => ruleKindOf(k)))
      .map((d) => d.className);
    expect(withRules.sort()).toEqual(
      [
        'BatchNormalization',
        'Bidirectional', // its wrapped LSTM's or GRU's
        'Conv1D',
        'Conv2D',
        'Conv2DTranspose',
        'Dense',
        'DepthwiseConv2D',
        'Embedding',
        'GRU',
        'LSTM',
        'LayerNormalization',
        'SeparableConv2D',
      ].sort(),
    );
    const spec = allFields(getLayer('Dense')!).kernel_constraint;
    expect(checkValue('kernel_constraint', spec, 'MaxNorm(max_value=2, axis=0)')).toBeNull();
    expect(checkValue('kernel_constraint', spec, 'L2(l2=0.01)')).toMatch(/^kernel_constraint must be one of/);
  });
});

describe('Keras JSON in', () => {
  it("Keras 3.15's own to_json() of the image model reads into every field, L1's float32 factor as its decimal", () => {
    expect(rules(read(kerasFixture('image')))).toEqual({
      'conv2d.kernel_regularizer': 'L2(l2=0.0001)',
      'conv2d.bias_regularizer': 'L1(l1=0.01)',
      'conv2d.activity_regularizer': 'L1L2(l1=0.00001, l2=0.0001)'.replace('0.00001', String(1e-5)),
      'conv2d.kernel_constraint': 'MaxNorm(max_value=3, axis=[0, 1, 2])',
      'conv2d.bias_constraint': 'NonNeg()',
      'batch_normalization.beta_regularizer': 'L1(l1=0.001)',
      'batch_normalization.gamma_regularizer': 'L2(l2=0.01)',
      'batch_normalization.beta_constraint': 'MaxNorm(max_value=2, axis=0)',
      'batch_normalization.gamma_constraint': 'MinMaxNorm(min_value=0.5, max_value=2, rate=0.5, axis=0)',
      'depthwise_conv2d.depthwise_regularizer': 'L2(l2=0.02)',
      'depthwise_conv2d.bias_regularizer': 'L1L2(l1=0, l2=0.01)',
      'depthwise_conv2d.depthwise_constraint': 'UnitNorm(axis=[0, 1])',
      'depthwise_conv2d.bias_constraint': 'NonNeg()',
      'separable_conv2d.depthwise_regularizer': 'L2(l2=0.01)',
      'separable_conv2d.pointwise_regularizer': 'L1(l1=0.002)',
      'separable_conv2d.activity_regularizer': 'L2(l2=0.01)',
      'separable_conv2d.depthwise_constraint': 'NonNeg()',
      'separable_conv2d.pointwise_constraint': 'MaxNorm(max_value=1.5, axis=2)',
      'conv2d_transpose.kernel_regularizer': 'L1L2(l1=0.001, l2=0.002)',
      'conv2d_transpose.kernel_constraint': 'MaxNorm(max_value=2, axis=[0, 1, 3])',
      'layer_normalization.gamma_regularizer': 'L2(l2=0.05)',
      'layer_normalization.beta_constraint': 'NonNeg()',
      'dense.kernel_regularizer': 'L2(l2=0.001)',
      'dense.bias_regularizer': 'L2(l2=0.01)',
      'dense.activity_regularizer': 'L1(l1=0.0005)',
      'dense.kernel_constraint': 'UnitNorm(axis=0)',
      'dense.bias_constraint': 'MinMaxNorm(min_value=0, max_value=0.5, rate=1, axis=0)',
    });
  });

  it('and writes back what Keras wrote, for every regularizer and constraint object', () => {
    const text = kerasFixture('text');
    const keras = JSON.parse(text);
    const ours = JSON.parse(writeKerasJson(read(text), 'keras3'));
    const objects = (m: { config: { layers: { config: Record<string, unknown> }[] } }) =>
      m.config.layers.map((l) => Object.fromEntries(Object.entries(l.config).filter(([k]) => ruleKindOf(k) !== null)));
    expect(objects(ours)).toEqual(objects(keras));
  });

  it("tf.keras 2's form (no module, factors as float32) and TF.js's L1L2 read as the same rules", () => {
    const doc = read(
      denseWith(
        {
          kernel_regularizer: { class_name: 'L2', config: { l2: 0.009999999776482582 } },
          bias_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.0010000000474974513 } },
          kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } },
          bias_constraint: { class_name: 'NonNeg', config: {} },
        },
        'keras2',
      ),
    );
    expect(rules(doc)).toEqual({
      'dense.kernel_regularizer': 'L2(l2=0.01)',
      'dense.bias_regularizer': 'L1L2(l1=0, l2=0.001)',
      'dense.kernel_constraint': 'MaxNorm(max_value=2, axis=0)',
      'dense.bias_constraint': 'NonNeg()',
    });
  });

  it("names as keras.regularizers.get takes them; 'l1_l2' is tf.keras 2's (0.01 both)", () => {
    const doc = read(denseWith({ kernel_regularizer: 'l1_l2', bias_regularizer: 'l2', kernel_constraint: 'max_norm' }));
    expect(rules(doc)).toEqual({
      'dense.kernel_regularizer': 'L1L2(l1=0.01, l2=0.01)',
      'dense.bias_regularizer': 'L2(l2=0.01)',
      'dense.kernel_constraint': 'MaxNorm(max_value=2, axis=0)',
    });
  });

  it('a custom class, an unknown one and a bad argument are refused at their path, in one line each', () => {
    expect(
      denseErrors({
        kernel_regularizer: { module: null, class_name: 'Spectral', config: {}, registered_name: 'Custom>Spectral' },
        bias_regularizer: { class_name: 'OrthogonalRegularizer', config: { factor: 0.01, mode: 'rows' } },
        kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 'rows' } },
        bias_constraint: 'clip',
      }),
    ).toEqual([
      'config.layers[1].config.kernel_regularizer: kernel_regularizer: regularizer Spectral is a custom class LayerCanvas cannot compute',
      'config.layers[1].config.bias_regularizer: bias_regularizer: regularizer OrthogonalRegularizer is not one LayerCanvas computes (it has keras.regularizers.L1, L2, L1L2)',
      "config.layers[1].config.kernel_constraint: kernel_constraint: MaxNorm's axis must be an integer or a list of integers, got rows",
      'config.layers[1].config.bias_constraint: bias_constraint: "clip" is not a weight constraint LayerCanvas computes',
    ]);
  });
});

describe('Keras JSON out', () => {
  const doc = () =>
    read(denseWith({ activity_regularizer: 'l1', kernel_regularizer: { class_name: 'L2', config: { l2: 0.5 } } }));

  it("Keras 3: a set activity_regularizer right after dtype, as Layer.get_config puts it; L1's factor as float32", () => {
    const dense = JSON.parse(writeKerasJson(doc(), 'keras3')).config.layers[1].config;
    expect(Object.keys(dense).slice(0, 5)).toEqual(['name', 'trainable', 'dtype', 'activity_regularizer', 'units']);
    expect(dense.activity_regularizer).toEqual({
      module: 'keras.regularizers',
      class_name: 'L1',
      config: { l1: Math.fround(0.01) },
      registered_name: null,
    });
    expect(dense.kernel_regularizer.config).toEqual({ l2: 0.5 });
    // None: Keras 3's Dense leaves the key out.
    const plain = JSON.parse(writeKerasJson(read(denseWith({})), 'keras3')).config.layers[1].config;
    expect('activity_regularizer' in plain).toBe(false);
    expect(plain.kernel_constraint).toBeNull();
  });

  it('tf.keras 2: every factor as float32, as its regularizers keep them', () => {
    const dense = JSON.parse(writeKerasJson(doc(), 'tf.keras')).config.layers[1].config;
    expect(dense.activity_regularizer).toEqual({ class_name: 'L1', config: { l1: Math.fround(0.01) } });
  });
});

describe('Keras Python', () => {
  it('objects, functions, strings and an uncalled class read as the stored rules', () => {
    const doc = imported(
      [
        'import keras',
        'from keras import layers, regularizers, constraints',
        'm = keras.Sequential([keras.Input((4,)), layers.Dense(3,',
        '    kernel_regularizer=regularizers.l2(1e-4), bias_regularizer="l1", activity_regularizer=regularizers.l1_l2(l2=0.1),',
        '    kernel_constraint=constraints.MaxNorm(3, axis=[0]), bias_constraint=constraints.NonNeg)])',
      ].join('\n'),
    );
    expect(rules(doc)).toEqual({
      'dense.kernel_regularizer': 'L2(l2=0.0001)',
      'dense.bias_regularizer': 'L1(l1=0.01)',
      'dense.activity_regularizer': 'L1L2(l1=0, l2=0.1)',
      'dense.kernel_constraint': 'MaxNorm(max_value=3, axis=[0])',
      'dense.bias_constraint': 'NonNeg()',
    });
    expect(exportKerasPython(doc)).toContain(
      'layers.Dense(3, kernel_regularizer=keras.regularizers.L2(l2=0.0001), bias_regularizer=keras.regularizers.L1(l1=0.01), activity_regularizer=keras.regularizers.L1L2(l1=0.0, l2=0.1), kernel_constraint=keras.constraints.MaxNorm(max_value=3, axis=[0]), bias_constraint=keras.constraints.NonNeg()',
    );
  });

  it('a rule LayerCanvas does not compute, or a bad argument, is one located line', () => {
    expect(
      errors(
        'import keras\nm = keras.Sequential([keras.layers.Dense(2, kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.1), bias_constraint=keras.constraints.MaxNorm(axis="x"))])',
      ),
    ).toEqual([
      '2:83 keras.regularizers.OrthogonalRegularizer is not a regularizer LayerCanvas computes',
      "2:145 MaxNorm's axis must be an integer or a list of integers, got x",
    ]);
  });
});

describe('TF.js', () => {
  const RULES: Record<string, string> = {
    regularizer: 'L2(l2=0.02)',
    constraint: 'MinMaxNorm(min_value=0.5, max_value=2, rate=0.5, axis=0)',
  };
  it.each(['Dense', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'Embedding', 'LSTM'])(
    '%s: L1/L2 go as L1L2 (all TF.js registers); tf.loadLayersModel loads them and they read back',
    async (className) => {
      const doc = caseDocument(className);
      const node = doc.nodes.find((n) => n.className === className)!;
      for (const key of Object.keys(getLayer(className)!.fields)) {
        const kind = ruleKindOf(key);
        if (kind && key !== 'activity_regularizer') node.config = { ...node.config, [key]: RULES[kind] };
      }
      if ('groups' in node.config) node.config = { ...node.config, groups: 1 }; // TF.js has no groups
      const out = exportTfjs(doc);
      expect(out.warnings).toEqual([]);
      const layer = JSON.parse(out.modelJson).modelTopology.config.layers.find(
        (l: { class_name: string }) => l.class_name === className,
      );
      const regs = Object.entries(layer.config).filter(([k, v]) => k.endsWith('_regularizer') && v !== null);
      expect(regs.length).toBeGreaterThan(0);
      for (const [, v] of regs) expect(v).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: Math.fround(0.02) } });
      const loaded = await loadInTfjs(out.modelJson, out.weightsBin);
      // The constraints TF.js built (not its getConfig, which reports DepthwiseConv2D's regularizer as its constraint).
      type Rule = { getClassName(): string; getConfig(): unknown };
      const built = loaded.getLayer(infer(doc).nodes.get(node.id)!.name) as unknown as Record<string, Rule> & {
        cell?: Record<string, Rule>;
      };
      const keys = Object.keys(node.config).filter((k) => ruleKindOf(k) === 'constraint');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const camel = key.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
        const rule = built[camel] ?? built.cell?.[camel];
        expect([rule.getClassName(), rule.getConfig()]).toEqual([
          'MinMaxNorm',
          { minValue: 0.5, maxValue: 2, rate: 0.5, axis: 0 },
        ]);
      }
      const back = readTfjs(out.modelJson, { read: (p) => out.files[p] });
      expect(back.ok).toBe(true);
      if (!back.ok) return;
      const again = back.document.nodes.find((n) => n.className === className)!;
      for (const key of Object.keys(getLayer(className)!.fields))
        if (key === 'activity_regularizer') expect(again.config[key]).toBeNull();
        else if (ruleKindOf(key) === 'regularizer') expect(again.config[key]).toBe('L1L2(l1=0, l2=0.02)');
        else if (ruleKindOf(key) === 'constraint') expect(again.config[key]).toBe(RULES.constraint);
    },
  );

  it('an activity_regularizer, which TF.js refuses to call, is a warning naming the layer', async () => {
    const doc = caseDocument('Dense');
    const node = doc.nodes.find((n) => n.className === 'Dense')!;
    node.config = { ...node.config, activity_regularizer: 'L2(l2=0.01)' };
    const out = exportTfjs(doc);
    expect(out.warnings.map((w) => w.message)).toEqual([
      "TF.js refuses to call a layer with an activity_regularizer: tf.loadLayersModel will refuse 'my_dense'",
    ]);
    await expect(loadInTfjs(out.modelJson, out.weightsBin)).rejects.toThrow(/activity regularizer/);
  });
});
