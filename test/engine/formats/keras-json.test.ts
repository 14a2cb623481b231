import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTfjs } from '../../../engine/formats/tfjs';
import { kerasJson, readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { importKerasPython } from '../../../engine/formats/keras-python';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { layerDefinitions } from '../../../engine/layers/registry';
import { getTemplate } from '../../../engine/graph/templates';
import { caseDocument, LAYER_CASES } from './layer-cases';

const FIXTURES = join(__dirname, '../../fixtures/keras-json');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const NESTED = join(__dirname, '../../fixtures/nested');

function read(text: string): ModelDocument {
  const r = readKerasJson(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  expect(r.warnings).toEqual([]);
  return r.document;
}

/** The model as Keras sees it: layer names, classes, configs and who feeds whom (by name), independent of ids. */
function shape(doc: ModelDocument) {
  const inf = infer(doc);
  const name = (id: string) => inf.nodes.get(id)!.name;
  return {
    name: doc.name,
    modelClass: inf.modelClass,
    layers: inf.order.map((id) => {
      const n = doc.nodes.find((x) => x.id === id)!;
      return {
        name: name(id),
        className: n.className,
        config: n.config,
        inputs: inf.topology.incoming.get(id)!.map((e) => name(e.source)),
      };
    }),
  };
}

describe('Keras JSON import: fixtures as tf.keras 2 and Keras 3 write them', () => {
  it("Keras 3 Sequential: the article's CNN has Keras's 10,466 params (10,338 trainable, 128 non-trainable)", () => {
    const doc = read(fixture('keras3-sequential-article-cnn.json'));
    const inf = infer(doc);
    expect(inf.totals).toEqual({ total: 10466, trainable: 10338, nonTrainable: 128 });
    expect(doc.modelClass).toBe('Sequential');
    expect(inf.modelClass).toBe('Sequential');
    expect(doc.nodes.map((n) => n.name)).toEqual([
      'input_layer',
      'conv2d',
      'batch_normalization',
      'conv2d_1',
      'batch_normalization_1',
      'max_pooling2d',
      'dense',
    ]);
    expect(inf.nodes.get(doc.nodes[6].id)!.outputShape).toEqual([null, 12, 12, 2]);
    // Keras 3 writes pooling strides = pool_size; LayerCanvas stores that as None, as Keras's default.
    expect(doc.nodes[5].config.strides).toBeNull();
  });

  it("tf.keras 2 Sequential: the article's MLP has 898 params; BatchNormalization's built axis [2] reads as 2", () => {
    const doc = read(fixture('tfkeras2-sequential-article-mlp.json'));
    const inf = infer(doc);
    expect(inf.totals).toEqual({ total: 898, trainable: 802, nonTrainable: 96 });
    expect(doc.nodes[0]).toMatchObject({
      className: 'InputLayer',
      name: 'dense_input',
      config: { shape: [1, 5], batch_size: null },
    });
    expect(doc.nodes[2].config.axis).toBe(2);
    expect(inf.errorCount).toBe(0);
  });

  it('Keras 3 Functional: a residual block whose Add takes [bn, input] in that order (2 × 2,304 + 2 × 64 + 170 = 4,906 params, 64 of them BN moving statistics)', () => {
    const doc = read(fixture('keras3-functional-residual.json'));
    const s = shape(doc);
    expect(s.modelClass).toBe('Functional');
    expect(s.layers.find((l) => l.name === 'add')!.inputs).toEqual(['batch_normalization_1', 'input_layer']);
    expect(infer(doc).totals).toEqual({ total: 4906, trainable: 4842, nonTrainable: 64 });
  });

  it("tf.keras 2 Functional: Concatenate of two branches and LeakyReLU's alpha as negative_slope (64 + 448 + 330 = 842 params)", () => {
    const doc = read(fixture('tfkeras2-functional-concatenate.json'));
    const s = shape(doc);
    expect(s.layers.find((l) => l.name === 'concatenate')!.inputs).toEqual(['conv2d', 'conv2d_1']);
    expect(s.layers.find((l) => l.name === 'leaky_re_lu')!.config.negative_slope).toBe(0.2);
    expect(infer(doc).totals.total).toBe(842);
    expect(doc.modelClass).toBe('Functional');
  });

  it('the residual template imported from its Keras 3 fixture is the same model as the built-in template', () => {
    const fromFile = shape(read(fixture('keras3-functional-residual.json')));
    const template = shape(getTemplate('residual-block')!.build());
    expect(fromFile.layers).toEqual(template.layers);
  });
});

describe('Keras JSON export: the Keras 3 to_json() form', () => {
  it.each(['keras3.15-sequential-article-cnn.json', 'keras3.15-functional-residual.json'])(
    '%s → read → write gives back the file Keras 3.15.1 wrote, key for key',
    (file) => {
      const original = JSON.parse(fixture(file));
      const written = JSON.parse(writeKerasJson(read(fixture(file))));
      // Keras 3's to_json() is the model alone: no keras_version or backend beside it (tf.keras 2 has them).
      expect(written.keras_version).toBeUndefined();
      expect(written).toEqual(original);
      // Key order matters to people diffing files: it follows get_config.
      expect(JSON.stringify(written)).toBe(JSON.stringify(original));
    },
  );

  it("names swish and hard_swish as Keras 3.15's get_config() does (silu, hard_silu); tf.keras 2 keeps swish", () => {
    const code = [
      'import keras',
      'from keras import layers',
      "model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation='swish'),",
      "    layers.Activation('hard_swish'), layers.Dense(2)])",
    ].join('\n');
    const result = importKerasPython(code);
    if (!result.ok) throw new Error(result.errors[0].message);
    const activations = (flavor: 'keras3' | 'tf.keras') =>
      JSON.parse(writeKerasJson(result.document, flavor)).config.layers.map(
        (l: { config: { activation?: string } }) => l.config.activation,
      );
    // Real Keras 3.15: layers.Dense(3, activation='swish').get_config()['activation'] == 'silu', and
    // layers.Activation('hard_swish') gives 'hard_silu'.
    expect(activations('keras3')).toEqual([undefined, 'silu', 'hard_silu', 'linear']);
    expect(activations('tf.keras')[1]).toBe('swish');
  });

  it('tf.keras 2 files are rewritten in the Keras 3 form (DTypePolicy, module keys, explicit InputLayer with batch_shape)', () => {
    const written = JSON.parse(writeKerasJson(read(fixture('tfkeras2-sequential-article-mlp.json'))));
    expect(written.module).toBe('keras');
    const [input, dense] = written.config.layers;
    expect(input).toEqual({
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: {
        batch_shape: [null, 1, 5],
        dtype: 'float32',
        sparse: false,
        ragged: false,
        name: 'dense_input',
        optional: false,
      },
      registered_name: null,
    });
    expect(dense.config.dtype).toEqual({
      module: 'keras',
      class_name: 'DTypePolicy',
      config: { name: 'float32' },
      registered_name: null,
    });
    expect(dense.config.kernel_initializer).toEqual({
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
      config: { seed: null, input_axes: null, output_axes: null },
      registered_name: null,
    });
    expect(dense.build_config).toEqual({ input_shape: [null, 1, 5] });
  });

  it("SpatialDropout2D is written as Keras 3's get_config has it: no trainable (its constructor refuses one), a plain dtype", () => {
    const written = JSON.parse(writeKerasJson(caseDocument('SpatialDropout2D')));
    const layer = written.config.layers.find((l: { class_name: string }) => l.class_name === 'SpatialDropout2D');
    expect(layer.config).toEqual({
      rate: 0.1,
      seed: 3,
      name: 'my_spatialdropout2d',
      dtype: 'float32',
      data_format: 'channels_last',
    });
  });

  it('every registry layer has a round-trip case', () => {
    expect(Object.keys(LAYER_CASES).sort()).toEqual(
      layerDefinitions()
        .map((d) => d.className)
        .sort(),
    );
  });

  it.each(layerDefinitions().map((d) => d.className))(
    '%s: document → Keras 3 JSON → document keeps class, name, every option and the connections',
    (className) => {
      const doc = caseDocument(className);
      expect(infer(doc).errorCount).toBe(0);
      const back = read(writeKerasJson(doc));
      expect(shape(back)).toEqual(shape(doc));
    },
  );
});

describe('Keras JSON export: the objects Keras 3.15 needs (against files real Keras 3.15.1 wrote)', () => {
  /** module, class_name and registered_name of the model and of each layer: what Keras deserializes by. */
  const identity = (json: {
    module?: string;
    class_name: string;
    registered_name?: unknown;
    config: { layers: { module?: string; class_name: string; registered_name?: unknown }[] };
  }) => ({
    model: [json.module, json.class_name, json.registered_name],
    layers: json.config.layers.map((l) => [l.module, l.class_name, l.registered_name]),
  });

  it.each(['keras3.15-sequential-article-cnn.json', 'keras3.15-functional-residual.json'])(
    '%s reads without a warning and is written back with the module and registered_name of the model and of every layer as Keras wrote them',
    (file) => {
      const original = JSON.parse(fixture(file));
      const written = JSON.parse(writeKerasJson(read(fixture(file))));
      expect(identity(written)).toEqual(identity(original));
    },
  );

  it('a functional model is keras.src.models.functional / Functional (model_from_json refuses module "keras": "not a KerasSaveable subclass"); a Sequential is keras / null', () => {
    const functional = JSON.parse(writeKerasJson(getTemplate('residual-block')!.build()));
    expect([functional.module, functional.class_name, functional.registered_name]).toEqual([
      'keras.src.models.functional',
      'Functional',
      'Functional',
    ]);
    const sequential = JSON.parse(writeKerasJson(getTemplate('article-cnn')!.build()));
    expect([sequential.module, sequential.class_name, sequential.registered_name]).toEqual([
      'keras',
      'Sequential',
      null,
    ]);
  });

  it("the tf.keras 2 flavour keeps tf.keras 2's form: no module keys, batch_input_shape, [[name, 0, 0, {}]] inbound nodes", () => {
    const written = JSON.parse(writeKerasJson(getTemplate('residual-block')!.build(), 'tf.keras'));
    expect(written.keras_version).toMatch(/^2\./);
    expect(written.module).toBeUndefined();
    expect(written.class_name).toBe('Functional');
    const [input, conv] = written.config.layers;
    expect(input.config.batch_input_shape).toEqual([null, 32, 32, 16]);
    expect(conv.module).toBeUndefined();
    expect(conv.inbound_nodes).toEqual([[['input_layer', 0, 0, {}]]]);
    expect(shape(read(JSON.stringify(written)))).toEqual(shape(getTemplate('residual-block')!.build()));
  });
});

describe('Keras JSON import: what LayerCanvas refuses, with the JSON path', () => {
  const cnn = () => JSON.parse(fixture('keras3-sequential-article-cnn.json'));
  const errorsOf = (obj: unknown) => {
    const r = readKerasJson(JSON.stringify(obj));
    expect(r.ok).toBe(false);
    return r.ok ? [] : r.errors;
  };

  it('an unknown layer class names the class and its path', () => {
    const m = cnn();
    m.config.layers[3].class_name = 'ConvLSTM2D';
    expect(errorsOf(m)).toEqual([
      expect.objectContaining({
        path: 'config.layers[3].class_name',
        message: expect.stringContaining("'ConvLSTM2D'"),
      }),
    ]);
  });

  it('a custom regularizer, an unknown constraint, channels_first and float16 are each reported at their path, all at once', () => {
    const m = cnn();
    m.config.layers[1].config.kernel_regularizer = {
      module: 'my_package.regs',
      class_name: 'Spectral',
      config: { factor: 0.01 },
      registered_name: 'Custom>Spectral',
    };
    m.config.layers[3].config.bias_constraint = { class_name: 'Clip', config: {} };
    m.config.layers[5].config.data_format = 'channels_first';
    m.config.layers[6].config.dtype = {
      module: 'keras',
      class_name: 'DTypePolicy',
      config: { name: 'mixed_float16' },
      registered_name: null,
    };
    const paths = errorsOf(m).map((e) => e.path);
    expect(paths).toEqual([
      'config.layers[1].config.kernel_regularizer',
      'config.layers[3].config.bias_constraint',
      'config.layers[5].config.data_format',
      'config.layers[6].config.dtype',
    ]);
  });

  it('a bad option value names the option and quotes the value', () => {
    const m = cnn();
    m.config.layers[1].config.filters = '32';
    expect(errorsOf(m)).toEqual([
      expect.objectContaining({
        path: 'config.layers[1].config.filters',
        message: "filters must be an integer, got '32'",
      }),
    ]);
  });

  it('an initializer LayerCanvas cannot draw (Identity, or Orthogonal with another gain) is an error', () => {
    const m = cnn();
    m.config.layers[1].config.kernel_initializer = {
      module: 'keras.initializers',
      class_name: 'Orthogonal',
      config: { gain: 2, seed: null },
      registered_name: null,
    };
    m.config.layers[6].config.kernel_initializer = {
      module: 'keras.initializers',
      class_name: 'Identity',
      config: { gain: 1 },
      registered_name: null,
    };
    expect(errorsOf(m).map((e) => e.path)).toEqual([
      'config.layers[1].config.kernel_initializer',
      'config.layers[6].config.kernel_initializer',
    ]);
  });

  it('a layer called twice (shared) and a nested model called twice are refused', () => {
    const res = JSON.parse(fixture('keras3-functional-residual.json'));
    res.config.layers[3].inbound_nodes.push(res.config.layers[3].inbound_nodes[0]);
    expect(errorsOf(res)[0]).toMatchObject({
      path: 'config.layers[3].inbound_nodes',
      message: expect.stringContaining('called 2 times'),
    });
    const outer = JSON.parse(readFileSync(join(NESTED, 'seq_in_func.json'), 'utf8'));
    const stem = outer.config.layers[2];
    expect(stem.class_name).toBe('Sequential');
    const shared = structuredClone(outer);
    shared.config.layers[2].inbound_nodes.push(stem.inbound_nodes[0]);
    expect(errorsOf(shared)).toEqual([
      expect.objectContaining({
        path: 'config.layers[2].inbound_nodes',
        message: 'the nested model "stem" is called 2 times (its weights shared), which LayerCanvas cannot draw',
      }),
    ]);
  });

  it('an input naming a layer that does not exist is refused at its keras_history', () => {
    const res = JSON.parse(fixture('keras3-functional-residual.json'));
    res.config.layers[2].inbound_nodes[0].args[0].config.keras_history[0] = 'nowhere';
    expect(errorsOf(res)[0]).toMatchObject({
      path: 'config.layers[2].inbound_nodes[0].args[0].config.keras_history',
      message: expect.stringContaining('"nowhere"'),
    });
  });

  it('malformed JSON gives the line and column of the fault', () => {
    const r = readKerasJson('{\n  "class_name": "Sequential",\n  "config": {"layers": [}\n}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].location).toEqual({ line: 3, column: 25 });
  });

  it('quietly accepts the null and default extras Keras always writes; warns about a seed it cannot honour', () => {
    const m = cnn();
    m.config.layers[1].config.kernel_initializer.config.seed = 1337;
    const r = readKerasJson(JSON.stringify(m));
    expect(r.ok && r.warnings.map((w) => w.path)).toEqual(['config.layers[1].config.kernel_initializer']);
  });

  it("older tf.keras Sequential files without an InputLayer take the input from the first layer's batch_input_shape", () => {
    const m = JSON.parse(fixture('tfkeras2-sequential-article-mlp.json'));
    m.config.layers.shift();
    const doc = read(JSON.stringify(m));
    expect(doc.nodes[0]).toMatchObject({ className: 'InputLayer', config: { shape: [1, 5] } });
    expect(infer(doc).totals.total).toBe(898);
    m.config.layers[0].config.batch_input_shape = undefined;
    const r = readKerasJson(JSON.stringify(m));
    expect(!r.ok && r.errors[0]).toMatchObject({
      path: 'config.layers[0].config',
      message: 'the Sequential model has no input shape',
    });
  });

  it('an option LayerCanvas does not know is a warning that names it, never dropped silently', () => {
    const m = JSON.parse(fixture('tfkeras2-sequential-article-mlp.json'));
    m.config.layers[1].config.lora_rank = 4;
    m.config.layers[1].config.some_new_option = 'x';
    const r = readKerasJson(JSON.stringify(m));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.objectContaining({ path: 'config.layers[1].config.lora_rank' })]);
    delete m.config.layers[1].config.lora_rank;
    const w = readKerasJson(JSON.stringify(m));
    expect(w.ok && w.warnings).toEqual([
      expect.objectContaining({
        path: 'config.layers[1].config.some_new_option',
        message: expect.stringContaining('ignored'),
      }),
    ]);
  });

  it('match() recognises model.to_json() output and not a project file', () => {
    expect(kerasJson.match(fixture('tfkeras2-sequential-article-mlp.json'))).toBe(true);
    expect(kerasJson.match('{"formatVersion": 1, "model": {}}')).toBe(false);
  });
});

describe('Keras JSON and TF.js import never throw', () => {
  const files = [
    'keras3-sequential-article-cnn.json',
    'keras3-functional-residual.json',
    'tfkeras2-sequential-article-mlp.json',
    'tfkeras2-functional-concatenate.json',
  ];
  it('a fixture with any one value replaced by random JSON is read or refused with paths, never a throw', () => {
    const bases = files.map((f) => JSON.parse(fixture(f)));
    const spots = bases.map((b) => {
      const out: (string | number)[][] = [];
      const walk = (v: unknown, p: (string | number)[]) => {
        if (p.length) out.push(p);
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
      };
      walk(b, []);
      return out;
    });
    fc.assert(
      fc.property(fc.nat(files.length - 1), fc.nat(), fc.jsonValue({ maxDepth: 3 }), (f, pick, value) => {
        const doc = structuredClone(bases[f]);
        const path = spots[f][pick % spots[f].length];
        let o: Record<string | number, unknown> = doc;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[path[path.length - 1]] = value;
        const text = JSON.stringify(doc);
        const r = readKerasJson(text);
        if (!r.ok) for (const e of r.errors) expect(typeof e.path === 'string' || e.location !== undefined).toBe(true);
        expect(() =>
          readTfjs(JSON.stringify({ format: 'layers-model', modelTopology: doc, weightsManifest: [] })),
        ).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
