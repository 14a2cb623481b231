// Whole-graph inference: Keras's numbers for the article's models, located errors with hints, and the warnings
// about BatchNormalization placement that the article motivates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainDocument, graphDocument, type LayerSpec } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { formatSummary, summarize } from '../../../engine/graph/summary';
import { getTemplate } from '../../../engine/graph/templates';
import { wouldCreateCycle } from '../../../engine/graph/dag';

const input = (shape: number[]): LayerSpec => ({ className: 'InputLayer', config: { shape } });
const codes = (doc: ModelDocument, severity?: 'error' | 'warning') =>
  infer(doc)
    .problems.filter((p) => !severity || p.severity === severity)
    .map((p) => p.code);
const problemOf = (doc: ModelDocument, code: string) => infer(doc).problems.find((p) => p.code === code)!;

describe("the article's models give Keras's numbers", () => {
  it('article CNN as written: (None, 12, 12, 2), 10,466 params, 10,338 trainable, 128 non-trainable', () => {
    const s = summarize(getTemplate('article-cnn')!.build());
    expect(s.layers.map((l) => [l.name, l.class_name, l.output_shape, l.params])).toEqual([
      ['conv2d', 'Conv2D', [null, 26, 26, 32], 896],
      ['batch_normalization', 'BatchNormalization', [null, 26, 26, 32], 128],
      ['conv2d_1', 'Conv2D', [null, 24, 24, 32], 9248],
      ['batch_normalization_1', 'BatchNormalization', [null, 24, 24, 32], 128],
      ['max_pooling2d', 'MaxPooling2D', [null, 12, 12, 32], 0],
      ['dense', 'Dense', [null, 12, 12, 2], 66],
    ]);
    expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([10466, 10338, 128]);
  });

  it('article CNN corrected with Flatten: Dense sees 4,608 features', () => {
    const doc = getTemplate('article-cnn')!.build();
    const t = chainDocument([
      ...doc.nodes.slice(0, 6).map((n) => ({ className: n.className, config: n.config })),
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 2, activation: 'softmax' } },
    ]);
    const s = summarize(t);
    expect(s.layers.at(-1)!.output_shape).toEqual([null, 2]);
    expect(s.total_params).toBe(10400 + 4608 * 2 + 2);
    expect(codes(t)).not.toContain('dense-on-image');
  });

  it('article MLP: 898 params, 96 non-trainable', () => {
    const s = summarize(getTemplate('article-mlp')!.build());
    expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([898, 802, 96]);
    expect(s.layers[0].output_shape).toEqual([null, 1, 16]);
  });

  it('summary text matches Keras 3 layout and sizes', () => {
    const text = formatSummary(summarize(getTemplate('article-cnn')!.build()));
    expect(text).toContain('Model: "sequential"');
    expect(text).toMatch(/│ conv2d \(Conv2D\)\s+│ \(None, 26, 26, 32\)\s+│\s+896 │/);
    expect(text).toContain(' Total params: 10,466 (40.88 KB)');
    expect(text).toContain(' Trainable params: 10,338 (40.38 KB)');
    expect(text).toContain(' Non-trainable params: 128 (512.00 B)');
    expect(text).not.toContain('InputLayer');
  });

  it("the table has Keras 3's widths at line length 76, wraps long cells and cuts long words with …", () => {
    const seq = formatSummary(summarize(getTemplate('article-cnn')!.build())).split('\n');
    expect(seq[1]).toHaveLength(76);
    expect(seq).toContain('│ batch_normalization             │ (None, 26, 26, 32)     │           128 │');
    expect(seq).toContain('│ (BatchNormalization)            │                        │               │');
    const fn = formatSummary(summarize(getTemplate('residual-block')!.build())).split('\n');
    expect(fn[2]).toBe('┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃');
    expect(fn).toContain('│ add (Add)           │ (None, 32, 32,    │          0 │ batch_normalizat… │');
    expect(fn).toContain('│                     │ 16)               │            │ input_layer[0][0] │');
  });

  it("functional rows follow Keras's map_graph order: deepest first, ties by the walk from the output", () => {
    const doc = graphDocument(
      [
        input([4]),
        { className: 'Dense', config: { units: 2 }, name: 'a' },
        { className: 'Dense', config: { units: 2 }, name: 'b1' },
        { className: 'Dense', config: { units: 2 }, name: 'b2' },
        { className: 'Concatenate', name: 'cat' },
      ],
      [
        [0, 1],
        [0, 2],
        [2, 3],
        [1, 4],
        [3, 4],
      ],
    );
    expect(summarize(doc).layers.map((l) => l.name)).toEqual(['input_layer', 'b1', 'a', 'b2', 'cat']);
  });

  it('a functional chain prints like Sequential (no Connected to) but keeps its InputLayer row', () => {
    const s = summarize({ ...getTemplate('article-mlp')!.build(), modelClass: 'Functional' });
    expect(s.sequential_like).toBe(true);
    expect(formatSummary(s)).not.toContain('Connected to');
    expect(s.layers[0].class_name).toBe('InputLayer');
  });

  it('a functional model lists its InputLayer row, Sequential does not', () => {
    const s = summarize(getTemplate('residual-block')!.build());
    expect(s.model_class).toBe('Functional');
    expect(s.layers[0]).toMatchObject({ name: 'input_layer', class_name: 'InputLayer', params: 0 });
    expect(s.layers.find((l) => l.class_name === 'Add')!.connected_to).toEqual([
      'batch_normalization_1[0][0]',
      'input_layer[0][0]',
    ]);
    const chainAsFunctional = { ...getTemplate('article-mlp')!.build(), modelClass: 'Functional' as const };
    expect(summarize(chainAsFunctional).layers[0].class_name).toBe('InputLayer');
  });

  it('frozen layers count as non-trainable', () => {
    const doc = chainDocument([input([10]), { className: 'Dense', config: { units: 4, trainable: false } }]);
    expect(infer(doc).totals).toEqual({ total: 44, trainable: 0, nonTrainable: 44 });
  });
});

describe('automatic names follow Keras', () => {
  it('per-class counters in creation order, snake_case as Keras makes it', () => {
    const doc = chainDocument([
      input([8, 8, 3]),
      { className: 'Conv2D', config: { filters: 4, kernel_size: 3 } },
      { className: 'LeakyReLU' },
      { className: 'Conv2D', config: { filters: 4, kernel_size: 3 } },
      { className: 'ReLU' },
      { className: 'GlobalAveragePooling2D' },
      { className: 'Dense', config: { units: 2 }, name: 'head' },
    ]);
    expect(doc.nodes.map((n) => infer(doc).nodes.get(n.id)!.name)).toEqual([
      'input_layer',
      'conv2d',
      'leaky_re_lu',
      'conv2d_1',
      're_lu',
      'global_average_pooling2d',
      'head',
    ]);
  });
  it('automatic names skip a name the user took; duplicate user names are an error', () => {
    const doc = chainDocument([
      input([4]),
      { className: 'Dense', config: { units: 2 }, name: 'dense' },
      { className: 'Dense', config: { units: 2 } },
    ]);
    expect(infer(doc).nodes.get('n2')!.name).toBe('dense_1');
    const dup = chainDocument([
      input([4]),
      { className: 'Dense', config: { units: 2 }, name: 'x' },
      { className: 'Dense', config: { units: 2 }, name: 'x' },
    ]);
    expect(problemOf(dup, 'duplicate-name')).toMatchObject({
      nodeId: 'n2',
      message: "the name 'x' is already used by another layer",
    });
  });
});

describe('errors name the node, quote the values and hint at the fix', () => {
  it('Conv2D after Flatten', () => {
    const doc = chainDocument([
      input([28, 28, 1]),
      { className: 'Flatten' },
      { className: 'Conv2D', config: { filters: 8, kernel_size: 3 } },
    ]);
    const inf = infer(doc);
    const p = inf.problems.find((x) => x.severity === 'error')!;
    expect(p).toMatchObject({ nodeId: 'n2', code: 'expects-4d-input' });
    expect(p.message).toContain('got (None, 784)');
    expect(inf.badEdges.has('e1')).toBe(true);
    expect(inf.nodes.get('n2')!.outputShape).toBeNull();
  });

  it("a 'valid' chain that shrinks a dimension to nothing stops at the layer that does it", () => {
    const conv = { className: 'Conv2D', config: { filters: 4, kernel_size: 3 } };
    const doc = chainDocument([input([7, 7, 1]), conv, conv, conv, conv, { className: 'Flatten' }]);
    const inf = infer(doc);
    expect(inf.nodes.get('n3')!.outputShape).toEqual([null, 1, 1, 4]);
    expect(inf.problems.filter((p) => p.severity === 'error').map((p) => [p.nodeId, p.code])).toEqual([
      ['n4', 'kernel-larger-than-input'],
    ]);
    expect(problemOf(doc, 'kernel-larger-than-input').message).toContain(
      'kernel_size (3, 3) is larger than the input (1, 1)',
    );
  });

  it('a strided valid convolution on a tiny input gives an empty-output error rather than a negative size', () => {
    const doc = chainDocument([input([2, 2, 1]), { className: 'MaxPooling2D', config: { pool_size: 3 } }]);
    expect(codes(doc, 'error')).toEqual(['pool-larger-than-input']);
  });

  it('Add of unequal shapes, with the shapes', () => {
    const doc = graphDocument(
      [
        input([8, 8, 3]),
        { className: 'Conv2D', config: { filters: 16, kernel_size: 1 } },
        { className: 'Conv2D', config: { filters: 32, kernel_size: 1 } },
        { className: 'Add' },
      ],
      [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
      ],
    );
    expect(problemOf(doc, 'merge-shape-mismatch')).toMatchObject({
      nodeId: 'n3',
      message: 'Add needs inputs of the same shape, got (None, 8, 8, 16) and (None, 8, 8, 32)',
    });
  });

  it('a cycle names its path and marks its edges', () => {
    const doc = graphDocument(
      [
        input([4]),
        { className: 'Dense', config: { units: 4 } },
        { className: 'Dense', config: { units: 4 } },
        { className: 'Add' },
      ],
      [
        [0, 3],
        [3, 1],
        [1, 2],
        [2, 3],
      ],
    );
    const inf = infer(doc);
    const cyc = inf.problems.filter((p) => p.code === 'cycle');
    expect(cyc.map((p) => p.nodeId).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(cyc[0].message).toMatch(/is part of a cycle: (dense|dense_1|add) → .* → /);
    expect(inf.badEdges.size).toBe(3);
    expect(
      wouldCreateCycle(graphDocument([input([4]), { className: 'Dense', config: { units: 4 } }], [[0, 1]]), 'n1', 'n0'),
    ).toBe(true);
  });

  it('a missing input and a second input into a one-input layer', () => {
    const doc = graphDocument(
      [
        input([4]),
        input([4]),
        { className: 'Dense', config: { units: 2 } },
        { className: 'Dense', config: { units: 2 } },
      ],
      [
        [0, 2],
        [1, 2],
      ],
    );
    expect(problemOf(doc, 'too-many-inputs')).toMatchObject({
      nodeId: 'n2',
      message: 'Dense takes one input, but 2 are connected',
    });
    expect(problemOf(doc, 'missing-input')).toMatchObject({ nodeId: 'n3', message: 'Dense has no input' });
  });

  it('no Input at all, and an empty model', () => {
    expect(codes(chainDocument([{ className: 'Dense', config: { units: 2 } }]), 'error')).toEqual([
      'missing-input',
      'no-input',
    ]);
    expect(codes({ name: 'm', nodes: [], edges: [] })).toEqual(['empty-model']);
  });

  it('a dangling branch is flagged on each loose end', () => {
    const doc = graphDocument(
      [input([4]), { className: 'Dense', config: { units: 2 } }, { className: 'Dense', config: { units: 3 } }],
      [
        [0, 1],
        [0, 2],
      ],
    );
    expect(
      infer(doc)
        .problems.filter((p) => p.code === 'dangling-branch')
        .map((p) => p.nodeId),
    ).toEqual(['n1', 'n2']);
  });

  it('an unknown class and a bad config value are errors on that node', () => {
    const doc = chainDocument([input([4]), { className: 'SimpleRNN', config: {} }]);
    expect(problemOf(doc, 'unknown-layer').message).toBe("'SimpleRNN' is not a layer LayerCanvas knows");
    const bad = chainDocument([input([4]), { className: 'Dense', config: { units: -3 } }]);
    expect(problemOf(bad, 'bad-config')).toMatchObject({ nodeId: 'n1', message: 'units must be at least 1, got -3' });
  });

  it('a billion-parameter layer is refused with its size', () => {
    const doc = chainDocument([
      input([224, 224, 64]),
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 4096 } },
    ]);
    const p = problemOf(doc, 'layer-too-large');
    expect(p.severity).toBe('error');
    // 224·224·64 = 3,211,264 inputs × 4096 units + 4096 biases
    expect(p.message).toContain('13,153,341,440 parameters (49.00 GB of float32)');
  });
});

describe('warnings a Keras user would thank us for', () => {
  it('Dense on a 4-D tensor', () => {
    expect(problemOf(getTemplate('article-cnn')!.build(), 'dense-on-image').hint).toContain('Flatten');
  });
  it('use_bias=True right before BatchNormalization', () => {
    const doc = chainDocument([
      input([8, 8, 1]),
      { className: 'Conv2D', config: { filters: 4, kernel_size: 3 } },
      { className: 'BatchNormalization' },
      { className: 'Activation' },
    ]);
    expect(problemOf(doc, 'bias-before-bn')).toMatchObject({ nodeId: 'n1', severity: 'warning' });
    expect(problemOf(doc, 'bias-before-bn').message).toContain('its 4 parameters never matter');
    const fixed = chainDocument([
      input([8, 8, 1]),
      { className: 'Conv2D', config: { filters: 4, kernel_size: 3, use_bias: false } },
      { className: 'BatchNormalization' },
      { className: 'Activation' },
    ]);
    expect(codes(fixed)).toEqual([]);
  });
  it('an activation placed before BatchNormalization', () => {
    expect(
      codes(getTemplate('article-cnn')!.build(), 'warning').filter((c) => c === 'activation-before-bn'),
    ).toHaveLength(2);
    const doc = chainDocument([
      input([4]),
      { className: 'Dense', config: { units: 4 } },
      { className: 'ReLU' },
      { className: 'BatchNormalization' },
    ]);
    expect(problemOf(doc, 'activation-before-bn').hint).toBe('move re_lu after this BatchNormalization');
  });
  it('BatchNormalization after the final softmax', () => {
    const doc = chainDocument([
      input([4]),
      { className: 'Dense', config: { units: 2, activation: 'softmax' } },
      { className: 'BatchNormalization' },
    ]);
    expect(codes(doc, 'warning')).toEqual(['bn-after-softmax']);
  });
  it('softmax not at the end', () => {
    const doc = chainDocument([
      input([4]),
      { className: 'Dense', config: { units: 8, activation: 'softmax' } },
      { className: 'Dense', config: { units: 2 } },
    ]);
    expect(problemOf(doc, 'softmax-not-last')).toMatchObject({ nodeId: 'n1', severity: 'warning' });
  });
  it('the recommended placement raises nothing', () => {
    expect(infer(getTemplate('cnn-bn-before-activation')!.build()).problems).toEqual([]);
    expect(infer(getTemplate('residual-block')!.build()).problems).toEqual([]);
  });
});

describe('inference never throws', () => {
  const layerArb = fc.oneof(
    fc.record({
      className: fc.constant('Conv2D'),
      config: fc.record({
        filters: fc.integer({ min: 1, max: 8 }),
        kernel_size: fc.integer({ min: 1, max: 5 }),
        strides: fc.integer({ min: 1, max: 3 }),
        padding: fc.constantFrom('valid', 'same'),
      }),
    }),
    fc.record({
      className: fc.constant('MaxPooling2D'),
      config: fc.record({ pool_size: fc.integer({ min: 1, max: 4 }), padding: fc.constantFrom('valid', 'same') }),
    }),
    fc.record({ className: fc.constant('Dense'), config: fc.record({ units: fc.integer({ min: 1, max: 16 }) }) }),
    fc.record({
      className: fc.constantFrom(
        'Flatten',
        'BatchNormalization',
        'Dropout',
        'GlobalAveragePooling2D',
        'Add',
        'Concatenate',
        'ReLU',
        'Nope',
      ),
      config: fc.constant({}),
    }),
    fc.record({
      className: fc.constant('Reshape'),
      config: fc.record({ target_shape: fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 1, maxLength: 3 }) }),
    }),
  );
  it('on random graphs with random edges (cycles, merges, dangling edges included)', () => {
    fc.assert(
      fc.property(
        fc.array(layerArb, { maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(13), fc.nat(13)), { maxLength: 20 }),
        (layers, links) => {
          const specs = [input([12, 12, 3]), ...layers];
          const doc = graphDocument(specs, []);
          doc.edges = links.map(([a, b], i) => ({ id: `e${i}`, source: `n${a}`, target: `n${b}` }));
          const inf = infer(doc);
          expect(inf.nodes.size).toBe(specs.length);
          expect(inf.totals.total).toBeGreaterThanOrEqual(0);
          summarize(doc, inf);
        },
      ),
      { numRuns: 400 },
    );
  });
});
