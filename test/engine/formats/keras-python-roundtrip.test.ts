import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { chainDocument, graphDocument, makeNode, type LayerSpec } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { TEMPLATES } from '../../../engine/graph/templates';
import { allFields, completeConfig, defaultConfig, validateConfig } from '../../../engine/layers/config';
import { layerDefinitions } from '../../../engine/layers/registry';
import type { ConfigValue, FieldSpec, LayerDefinition } from '../../../engine/layers/types';

interface Comparable {
  name: string;
  modelClass: string;
  /** By effective (Keras) layer name: class, config, and the user's name. */
  layers: Record<string, { className: string; config: unknown; userName?: string }>;
  /** `source → target #k` by effective name: k is the input's position, which matters for merges. */
  links: string[];
}

function comparable(doc: ModelDocument, withUserNames = true): Comparable {
  const inf = infer(doc);
  const name = (id: string) => inf.nodes.get(id)!.name;
  const layers: Comparable['layers'] = {};
  // Through JSON, so -0 equals 0: Python's `offset=-0.0` and the default 0.0 are the same argument to Keras.
  for (const n of doc.nodes)
    layers[name(n.id)] = {
      className: n.className,
      config: JSON.parse(JSON.stringify(n.config)),
      ...(withUserNames ? { userName: n.name } : {}),
    };
  const links: string[] = [];
  for (const n of doc.nodes)
    inf.topology.incoming.get(n.id)!.forEach((e, k) => links.push(`${name(e.source)} → ${name(n.id)} #${k}`));
  return { name: doc.name, modelClass: inf.modelClass, layers, links: links.sort() };
}

/** Export, import, and check that classes, configs, names and connections all came back. */
function expectRoundTrip(
  doc: ModelDocument,
  opts: { flavor?: 'keras3' | 'tf.keras'; withUserNames?: boolean } = {},
): string {
  const code = exportKerasPython(doc, { flavor: opts.flavor });
  const back = importKerasPython(code);
  if (!back.ok)
    throw new Error(
      `the exported code does not import:\n${code}\n${back.errors.map((e) => `${e.location?.line}:${e.location?.column} ${e.message}`).join('\n')}`,
    );
  expect(back.warnings, code).toEqual([]);
  expect(comparable(back.document, opts.withUserNames ?? true), code).toEqual(
    comparable(doc, opts.withUserNames ?? true),
  );
  return code;
}

// ---- every layer of the registry ----

/** Values other than the default that a field may take; each is tried where the layer's rules accept it. */
function candidates(spec: FieldSpec): ConfigValue[] {
  switch (spec.type) {
    case 'int':
      return [spec.default === null ? 3 : spec.default + 1, 2, 0, -2, 7];
    case 'float':
      return [0.25, 0.5, 1e-5, 0.9, 2.5, 0, 1, null];
    case 'bool':
      return [!spec.default];
    case 'enum':
      return spec.options.filter((o) => o !== spec.default);
    case 'ints':
      // As many integers as the field holds (Conv1D's kernel_size has one, Conv2D's two).
      return [
        [2, 3, 4],
        [2, 2, 2],
        [1, 2, 3],
        [2, 1, 3],
      ].map((v) => v.slice(0, spec.length));
    case 'shape':
      return [[4, 4, 2], [16, -1], [8], [null, 6, 2]];
    case 'floats':
      // One value for every channel (a list's length would depend on the input).
      return [0.5, 2.25];
    case 'pairs2d':
      return [
        [
          [1, 2],
          [0, 3],
        ],
        [
          [2, 2],
          [1, 1],
        ],
        [
          [1, 1],
          [1, 1],
        ],
        [
          [0, 0],
          [0, 0],
        ],
      ];
  }
}

function valid(def: LayerDefinition, config: Record<string, ConfigValue>): boolean {
  return validateConfig(def, completeConfig(def, config).config).length === 0;
}

/** A small document around one layer: an input, the layer, and for merges two branches into it. */
function around(def: LayerDefinition, config: Record<string, ConfigValue>, name?: string): ModelDocument {
  const layer: LayerSpec = { className: def.className, config, name };
  if (def.arity === 'none') return chainDocument([layer, { className: 'Flatten' }]);
  const input: LayerSpec = { className: 'InputLayer', config: { shape: [8, 8, 4] } };
  if (def.arity === 'one') return chainDocument([input, layer, { className: 'Dense', config: { units: 3 } }]);
  return graphDocument(
    [input, { className: 'ReLU' }, { className: 'Activation', config: { activation: 'tanh' } }, layer],
    [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
    ],
  );
}

describe('export → import keeps every layer of the registry', () => {
  for (const def of layerDefinitions()) {
    it(`${def.className}: defaults, each non-default value, a user name, Sequential and functional`, () => {
      let tried = 0;
      expectRoundTrip(around(def, {}));
      expectRoundTrip(around(def, {}, 'my_layer'));
      for (const [key, spec] of Object.entries(allFields(def))) {
        for (const value of candidates(spec)) {
          if (!valid(def, { [key]: value }) || JSON.stringify(value) === JSON.stringify(defaultConfig(def)[key]))
            continue;
          const doc = around(def, { [key]: value });
          expectRoundTrip(doc);
          expectRoundTrip({ ...doc, modelClass: 'Functional', name: 'func_model' });
          tried++;
        }
      }
      if (Object.keys(allFields(def)).length > 0) expect(tried).toBeGreaterThan(0);
    });
  }

  it('in the tf.keras flavour too (LeakyReLU written with alpha=)', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4] } },
      { className: 'Dense', config: { units: 3 } },
      { className: 'LeakyReLU', config: { negative_slope: 0.2 } },
    ]);
    const code = expectRoundTrip(doc, { flavor: 'tf.keras' });
    expect(code).toContain('layers.LeakyReLU(alpha=0.2)');
    expect(code.startsWith('from tensorflow import keras\nfrom tensorflow.keras import layers\n')).toBe(true);
  });

  it('every template', () => {
    for (const t of TEMPLATES) expectRoundTrip(t.build());
  });

  it('user names that look automatic, next to automatic ones', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [4] }, name: 'dense_1' },
      { className: 'Dense', config: { units: 3 } },
      { className: 'Dense', config: { units: 2 }, name: 'dense' },
      { className: 'Dense', config: { units: 1 } },
    ]);
    const code = expectRoundTrip(doc);
    expect(code).toContain(
      'keras.Input(shape=(4,), name="dense_1"),\n    layers.Dense(3),\n    layers.Dense(2, name="dense"),\n    layers.Dense(1),',
    );
  });

  it("keeps Keras's automatic names when the document's order is not the writing order", () => {
    // dense_b is made first (so Keras names it `dense`) but is fed by dense_a, which the code must write first.
    const doc: ModelDocument = {
      name: 'functional',
      modelClass: 'Functional',
      nodes: [
        makeNode('in', { className: 'InputLayer', config: { shape: [4] } }),
        makeNode('b', { className: 'Dense', config: { units: 2 } }),
        makeNode('a', { className: 'Dense', config: { units: 3 } }),
      ],
      edges: [
        { id: 'e0', source: 'in', target: 'a' },
        { id: 'e1', source: 'a', target: 'b' },
      ],
    };
    const code = expectRoundTrip(doc, { withUserNames: false });
    expect(code).toContain('dense_1 = layers.Dense(3, name="dense_1")(input_layer)');
    expect(code).toContain('dense = layers.Dense(2, name="dense")(dense_1)');
  });
});

// ---- property tests ----

function fieldArb(spec: FieldSpec): fc.Arbitrary<ConfigValue> {
  const orNull = (a: fc.Arbitrary<ConfigValue>, nullable?: boolean) => (nullable ? fc.option(a, { nil: null }) : a);
  switch (spec.type) {
    case 'int':
      return orNull(fc.integer({ min: spec.min ?? -4, max: spec.max ?? 64 }), spec.nullable);
    case 'float':
      return orNull(
        fc.oneof(
          fc.double({ min: spec.min ?? -10, max: spec.max ?? 10, noNaN: true }),
          fc.constantFrom(0, 0.5, 1e-5, 1e-3, 0.99, 1 / 255),
        ),
        spec.nullable,
      );
    case 'bool':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...spec.options);
    case 'ints':
      // Of the field's own length: a 2-tuple for Conv1D's kernel_size is never valid, and a filter that never passes
      // makes fast-check search forever.
      return orNull(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: spec.length, maxLength: spec.length }),
        spec.nullable,
      );
    case 'shape':
      return fc.array(
        spec.allowNone
          ? fc.option(fc.integer({ min: 1, max: 32 }), { nil: null })
          : fc.integer({ min: spec.allowInferred ? -1 : 1, max: 32 }),
        { minLength: 1, maxLength: 4 },
      );
    case 'pairs2d':
      return fc.tuple(fc.tuple(fc.nat(3), fc.nat(3)), fc.tuple(fc.nat(3), fc.nat(3)));
    case 'floats':
      return fc.option(fc.double({ min: 0.1, max: 4, noNaN: true }), { nil: null });
  }
}

function layerArb(def: LayerDefinition): fc.Arbitrary<LayerSpec> {
  const fields = allFields(def);
  const config = fc
    .record(Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, fieldArb(s)])))
    .filter((c) => valid(def, c as Record<string, ConfigValue>));
  return fc
    .record({ config, name: fc.option(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), { nil: undefined }) })
    .map(({ config, name }) => ({ className: def.className, config, name }));
}

/** User names made unique (Keras requires it), so names compare one to one. */
function uniqueNames(specs: LayerSpec[]): LayerSpec[] {
  return specs.map((s, i) => (s.name ? { ...s, name: `${s.name}_u${i}` } : s));
}

const defs = layerDefinitions();
const inputArb = layerArb(defs.find((d) => d.className === 'InputLayer')!);
const oneArb = fc.oneof(...defs.filter((d) => d.arity === 'one').map(layerArb));
const mergeArb = fc.oneof(...defs.filter((d) => d.arity === 'many').map(layerArb));

describe('property: export → import loses nothing', () => {
  it('random chains of layers with random valid configs', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.array(oneArb, { maxLength: 6 }),
        fc.constantFrom(undefined, 'Functional' as const),
        fc.constantFrom('sequential', 'functional', 'my model'),
        (input, rest, modelClass, name) => {
          const doc = chainDocument(uniqueNames([input, ...rest]), name);
          if (modelClass) doc.modelClass = modelClass;
          expectRoundTrip(doc);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random graphs with merges, written in any document order', () => {
    const graphArb = fc
      .tuple(
        inputArb,
        fc.array(fc.tuple(fc.oneof(oneArb, mergeArb), fc.array(fc.nat(), { minLength: 2, maxLength: 3 })), {
          minLength: 1,
          maxLength: 6,
        }),
      )
      .map(([input, rest]) => {
        const specs = uniqueNames([input, ...rest.map(([s]) => s)]);
        const links: [number, number][] = [];
        rest.forEach(([spec, picks], k) => {
          const i = k + 1;
          const sources =
            spec.className && defs.find((d) => d.className === spec.className)!.arity === 'many'
              ? [...new Set(picks.map((p) => p % i))]
              : [picks[0] % i];
          if (sources.length === 1 && defs.find((d) => d.className === spec.className)!.arity === 'many')
            sources.push(sources[0]);
          for (const s of sources) links.push([s, i]);
        });
        return graphDocument(specs, links, 'graph');
      });
    fc.assert(
      fc.property(graphArb, fc.nat(), (doc, seed) => {
        expectRoundTrip(doc);
        // The same graph with its nodes listed in another order: Keras's names must still come back.
        const key = (i: number) => ((i + 1) * ((seed % 9973) + 1) * 7919) % 10007;
        const shuffled = {
          ...doc,
          nodes: doc.nodes
            .map((n, i) => ({ n, k: key(i) }))
            .sort((a, b) => a.k - b.k)
            .map(({ n }) => n),
        };
        expectRoundTrip(shuffled, { withUserNames: false });
      }),
      { numRuns: 120 },
    );
  });
});
