/**
 * What differs between two runs, on the real templates: the article's CNN against the BN-before-activation one
 * (worked out by hand from the two Keras models), a canvas edited between runs (ids kept, names renumbered), a
 * model against its BN-free twin, and the settings form's fields.
 */
import { describe, expect, it } from 'vitest';
import type { ModelDocument } from '../../../engine/graph/document';
import { diffGraphs, diffSettings, formatValue, isSameGraph, type ComparedSettings } from '../../../engine/train/diff';
import { getTemplate } from '../../../engine/graph/templates';
import { bnTwin } from '../../../engine/train/twin';

const build = (id: string) => getTemplate(id)!.build();
const names = (refs: { name: string; className: string }[]) => refs.map((r) => `${r.className} ${r.name}`);
const arrows = (cs: { from: string; to: string }[]) => cs.map((c) => `${c.from} → ${c.to}`);

describe('graph diff', () => {
  it("the article's CNN → the BN-before-activation CNN: five layers added, options changed, the chain rewired", () => {
    const d = diffGraphs(build('article-cnn'), build('cnn-bn-before-activation'));
    expect(names(d.added)).toEqual([
      'Activation activation',
      'Activation activation_1',
      'Flatten flatten',
      'BatchNormalization batch_normalization_2',
      'Activation activation_2',
    ]);
    expect(d.removed).toEqual([]);
    expect(d.changed.map((c) => [c.b.name, c.config])).toEqual([
      ['input_layer', [{ key: 'shape', a: '(28, 28, 3)', b: '(28, 28, 1)' }]],
      [
        'conv2d',
        [
          { key: 'activation', a: "'relu'", b: "'linear'" },
          { key: 'use_bias', a: 'True', b: 'False' },
        ],
      ],
      ['batch_normalization', [{ key: 'momentum', a: '0.99', b: '0.9' }]],
      [
        'conv2d_1',
        [
          { key: 'activation', a: "'relu'", b: "'linear'" },
          { key: 'use_bias', a: 'True', b: 'False' },
        ],
      ],
      ['batch_normalization_1', [{ key: 'momentum', a: '0.99', b: '0.9' }]],
      [
        'dense',
        [
          { key: 'units', a: '2', b: '10' },
          { key: 'activation', a: "'softmax'", b: "'linear'" },
          { key: 'use_bias', a: 'True', b: 'False' },
        ],
      ],
    ]);
    expect(arrows(d.connectionsRemoved)).toEqual([
      'batch_normalization → conv2d_1',
      'batch_normalization_1 → max_pooling2d',
      'max_pooling2d → dense',
    ]);
    expect(arrows(d.connectionsAdded)).toEqual([
      'batch_normalization → activation',
      'activation → conv2d_1',
      'batch_normalization_1 → activation_1',
      'activation_1 → max_pooling2d',
      'max_pooling2d → flatten',
      'flatten → dense',
      'dense → batch_normalization_2',
      'batch_normalization_2 → activation_2',
    ]);
    expect(d.model).toEqual([]);
  });

  it('the same template built twice is the same graph; the reverse diff swaps added and removed', () => {
    for (const id of ['article-mlp', 'residual-block', 'cnn-bn-before-activation'])
      expect(isSameGraph(diffGraphs(build(id), build(id)))).toBe(true);
    const back = diffGraphs(build('cnn-bn-before-activation'), build('article-cnn'));
    expect(names(back.removed)).toEqual([
      'Activation activation',
      'Activation activation_1',
      'Flatten flatten',
      'BatchNormalization batch_normalization_2',
      'Activation activation_2',
    ]);
    expect(back.added).toEqual([]);
  });

  it('a canvas edited between runs: a BN deleted (the next one renamed), a Dense widened, ids kept', () => {
    const before = build('article-mlp');
    // input, dense, bn, dense_1, bn_1, dense_2: delete the first BN and connect dense → dense_1.
    const [input, dense, bn, dense1, bn1, dense2] = before.nodes;
    const after: ModelDocument = {
      ...before,
      nodes: before.nodes
        .filter((n) => n !== bn)
        .map((n) => (n === dense1 ? { ...n, config: { ...n.config, units: 64 } } : n)),
      edges: [
        ...before.edges.filter((e) => e.source !== bn.id && e.target !== bn.id),
        { id: 'e-new', source: dense.id, target: dense1.id },
      ],
    };
    const d = diffGraphs(before, after);
    expect(names(d.removed)).toEqual(['BatchNormalization batch_normalization']);
    expect(d.added).toEqual([]);
    // The second BN keeps its id, so it is the same layer, now named batch_normalization by Keras's counter.
    expect(d.changed.map((c) => [c.a.id, c.config])).toEqual([
      [dense1.id, [{ key: 'units', a: '32', b: '64' }]],
      [bn1.id, [{ key: 'name', a: "'batch_normalization_1'", b: "'batch_normalization'" }]],
    ]);
    expect(arrows(d.connectionsRemoved)).toEqual(['dense → batch_normalization', 'batch_normalization → dense_1']);
    expect(arrows(d.connectionsAdded)).toEqual(['dense → dense_1']);
    expect([input, dense2].every((n) => !d.changed.some((c) => c.a.id === n.id))).toBe(true);
  });

  it('a model against its BN-free twin (the comparison run): both BatchNormalization layers removed', () => {
    const doc = build('residual-block');
    const d = diffGraphs(doc, bnTwin(doc).doc);
    expect(names(d.removed)).toEqual([
      'BatchNormalization batch_normalization',
      'BatchNormalization batch_normalization_1',
    ]);
    expect(arrows(d.connectionsRemoved)).toEqual([
      'conv2d → batch_normalization',
      'batch_normalization → activation',
      'conv2d_1 → batch_normalization_1',
      'batch_normalization_1 → add',
    ]);
    expect(arrows(d.connectionsAdded)).toEqual(['conv2d → activation', 'conv2d_1 → add']);
    // Keras users put use_bias=False before BN; without BN the twin needs its bias back.
    expect(d.changed.map((c) => [c.b.name, c.config.map((x) => `${x.key}: ${x.a} → ${x.b}`)])).toEqual([
      ['conv2d', ['use_bias: False → True']],
      ['conv2d_1', ['use_bias: False → True']],
    ]);
  });

  it('the residual shortcut removed, and the model renamed', () => {
    const doc = build('residual-block');
    const input = doc.nodes[0].id;
    const add = doc.nodes.find((n) => n.className === 'Add')!.id;
    const d = diffGraphs(doc, {
      ...doc,
      name: 'plain',
      edges: doc.edges.filter((e) => !(e.source === input && e.target === add)),
    });
    expect(arrows(d.connectionsRemoved)).toEqual(['input_layer → add']);
    expect(d.connectionsAdded).toEqual([]);
    expect(d.model).toEqual([{ key: 'name', a: "'residual_block'", b: "'plain'" }]);
  });

  it('values are written as Keras code writes them', () => {
    expect([
      formatValue([3, 3]),
      formatValue([5]),
      formatValue(null),
      formatValue(false),
      formatValue('same'),
      formatValue(0.001),
      formatValue(undefined),
    ]).toEqual(['(3, 3)', '(5,)', 'None', 'False', "'same'", '0.001', '—']);
  });
});

describe('settings diff', () => {
  const base: ComparedSettings = {
    dataset: 'MNIST digits',
    subset: 2000,
    optimizer: 'adam',
    learningRate: null,
    batchSize: 32,
    epochs: 2,
    loss: 'sparse_categorical_crossentropy',
    validationSplit: 0.1,
    seed: 0,
  };

  it('lists each differing field in the settings form order, with its values', () => {
    const other: ComparedSettings = {
      ...base,
      dataset: 'Spirals',
      subset: null,
      optimizer: 'sgd',
      batchSize: 64,
      epochs: 1,
      loss: 'categorical_crossentropy',
      validationSplit: 0.2,
      seed: 7,
    };
    expect(diffSettings(base, other).map((d) => [d.label, d.a, d.b])).toEqual([
      ['dataset', 'MNIST digits', 'Spirals'],
      ['subset', '2,000 samples', 'all samples'],
      ['optimizer', 'adam', 'sgd'],
      // Keras defaults: Adam 0.001, SGD 0.01.
      ['learning rate', '0.001 (default)', '0.01 (default)'],
      ['batch size', '32', '64'],
      ['epochs', '2', '1'],
      ['loss', 'sparse_categorical_crossentropy', 'categorical_crossentropy'],
      ['validation split', '10 %', '20 %'],
      ['seed', '0', '7'],
    ]);
  });

  it('a learning rate left at the default equals the same rate typed in; another rate differs', () => {
    expect(diffSettings(base, { ...base, learningRate: 0.001 })).toEqual([]);
    expect(diffSettings(base, { ...base, learningRate: 0.01 })).toEqual([
      { key: 'learningRate', label: 'learning rate', a: '0.001 (default)', b: '0.01' },
    ]);
    expect(diffSettings(base, base)).toEqual([]);
  });
});
