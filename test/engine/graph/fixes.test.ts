/**
 * One-click fixes: each advice that has a remedy carries it as data, and applying it removes the problem and gives
 * the model Keras would build by hand. Parameter counts are Keras's (checked with .venv-keras: the article's CNN is
 * 10,466 parameters, 10,402 with both convolutions' biases dropped).
 */
import { describe, expect, it } from 'vitest';
import type { Problem, ProblemFix } from '../../../engine/core/problems';
import { formatShape } from '../../../engine/core/shape';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { applyFix, removeFromDocument } from '../../../engine/graph/fixes';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';

const problemsOf = (doc: ModelDocument, code: string): Problem[] => infer(doc).problems.filter((p) => p.code === code);

/** The layers from the first input to the output, by Keras name, following the first consumer each time. */
function chain(doc: ModelDocument): string[] {
  const inf = infer(doc);
  const out: string[] = [];
  let id: string | undefined = inf.inputs[0];
  while (id) {
    out.push(inf.nodes.get(id)!.name);
    id = inf.topology.outgoing.get(id)![0]?.target;
  }
  return out;
}

function fixOf(doc: ModelDocument, code: string, index = 0): ProblemFix {
  const p = problemsOf(doc, code)[0];
  expect(p?.fixes?.[index], `a fix for ${code}`).toBeDefined();
  return p.fixes![index];
}

describe('problem fixes', () => {
  it('reorders relu before BN on the article CNN to conv → BN → relu without the bias: 10,402 params', () => {
    let doc = getTemplate('article-cnn')!.build();
    expect(infer(doc).totals.total).toBe(10_466);
    expect(problemsOf(doc, 'activation-before-bn')).toHaveLength(2);
    const fix = fixOf(doc, 'activation-before-bn');
    expect(fix.label).toBe('Reorder to conv2d → batch_normalization → relu, use_bias=False on conv2d');
    doc = applyFix(doc, fix);
    expect(problemsOf(doc, 'activation-before-bn')).toHaveLength(1);
    doc = applyFix(doc, fixOf(doc, 'activation-before-bn'));
    const inf = infer(doc);
    expect(inf.problems.filter((p) => p.code === 'activation-before-bn' || p.code === 'bias-before-bn')).toEqual([]);
    expect(inf.totals.total).toBe(10_402);
    expect(chain(doc)).toEqual([
      'input_layer',
      'conv2d',
      'batch_normalization',
      'activation',
      'conv2d_1',
      'batch_normalization_1',
      'activation_1',
      'max_pooling2d',
      'dense',
    ]);
    const act = doc.nodes.find((n) => n.className === 'Activation')!;
    expect(act.config.activation).toBe('relu');
  });

  it('moves an Activation layer placed before BN to after it, swapping their places, and drops the bias before', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [8] }, position: { x: 0, y: 0 } },
      { className: 'Dense', config: { units: 4 }, position: { x: 0, y: 120 } },
      { className: 'Activation', config: { activation: 'relu' }, position: { x: 0, y: 240 } },
      { className: 'BatchNormalization', position: { x: 0, y: 360 } },
      { className: 'Dense', config: { units: 2 }, position: { x: 0, y: 480 } },
    ]);
    const fix = fixOf(doc, 'activation-before-bn');
    expect(fix.label).toBe('Reorder to dense → batch_normalization → relu, use_bias=False on dense');
    const fixed = applyFix(doc, fix);
    expect(chain(fixed)).toEqual(['input_layer', 'dense', 'batch_normalization', 'activation', 'dense_1']);
    const pos = (cls: string) => fixed.nodes.find((n) => n.className === cls)!.position;
    expect(pos('BatchNormalization')).toEqual({ x: 0, y: 240 });
    expect(pos('Activation')).toEqual({ x: 0, y: 360 });
    expect(fixed.nodes[1].config.use_bias).toBe(false);
    // Dense(8→4) without bias 32, BN 16, Dense(4→2) 10.
    expect(infer(fixed).totals.total).toBe(32 + 16 + 10);
  });

  it('sets use_bias=False for a bias right before BN', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [8] } },
      { className: 'Dense', config: { units: 4 } },
      { className: 'BatchNormalization' },
    ]);
    const fixed = applyFix(doc, fixOf(doc, 'bias-before-bn'));
    expect(fixed.nodes[1].config.use_bias).toBe(false);
    expect(problemsOf(fixed, 'bias-before-bn')).toEqual([]);
  });

  it('inserts Flatten, or GlobalAveragePooling2D, before a Dense fed an image, and moves the layers below down', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [6, 6, 3] }, position: { x: 0, y: 0 } },
      { className: 'Dense', config: { units: 10, activation: 'softmax' }, position: { x: 0, y: 120 } },
    ]);
    const p = problemsOf(doc, 'dense-on-image')[0];
    expect(p.fixes!.map((f) => f.label)).toEqual([
      'Insert Flatten before dense',
      'Insert GlobalAveragePooling2D before dense',
    ]);
    const flat = applyFix(doc, p.fixes![0]);
    expect(chain(flat)).toEqual(['input_layer', 'flatten', 'dense']);
    expect(formatShape(infer(flat).nodes.get('n1')!.outputShape!)).toBe('(None, 10)');
    expect(flat.nodes.find((n) => n.id === 'n1')!.position).toEqual({ x: 0, y: 240 });
    expect(flat.nodes.find((n) => n.className === 'Flatten')!.position).toEqual({ x: 0, y: 120 });
    const gap = applyFix(doc, p.fixes![1]);
    expect(infer(gap).totals.total).toBe(3 * 10 + 10);
  });

  it('moves softmax to the output: a softmax layer goes last, a Dense softmax trades with the output', () => {
    const layer = chainDocument([
      { className: 'InputLayer', config: { shape: [8] } },
      { className: 'Softmax' },
      { className: 'Dense', config: { units: 3 } },
    ]);
    const moved = applyFix(layer, fixOf(layer, 'softmax-not-last'));
    expect(chain(moved)).toEqual(['input_layer', 'dense', 'softmax']);
    expect(problemsOf(moved, 'softmax-not-last')).toEqual([]);

    const dense = chainDocument([
      { className: 'InputLayer', config: { shape: [8] } },
      { className: 'Dense', config: { units: 4, activation: 'softmax' } },
      { className: 'Dense', config: { units: 3 } },
    ]);
    const fix = fixOf(dense, 'softmax-not-last');
    expect(fix.label).toBe('Use relu in dense, softmax at dense_1');
    const fixed = applyFix(dense, fix);
    expect(fixed.nodes.map((n) => n.config.activation)).toEqual([undefined, 'relu', 'softmax']);
  });

  it('inserts a dangling layer into the chain it forks from, or deletes it', () => {
    // input → bn → dense, and an Activation hanging off bn (what clicking the palette with bn selected once did).
    const doc = graphDocument(
      [
        { className: 'InputLayer', config: { shape: [8] } },
        { className: 'BatchNormalization' },
        { className: 'Dense', config: { units: 2 } },
        { className: 'Activation', config: { activation: 'relu' } },
      ],
      [
        [0, 1],
        [1, 2],
        [1, 3],
      ],
    );
    const ps = problemsOf(doc, 'dangling-branch');
    expect(ps).toHaveLength(2);
    const act = ps.find((p) => p.nodeId === 'n3')!;
    expect(ps.find((p) => p.nodeId === 'n2')!.fixes ?? []).toEqual([]);
    expect(act.fixes!.map((f) => f.label)).toEqual([
      'Insert activation between batch_normalization and dense',
      'Delete activation',
    ]);
    const inserted = applyFix(doc, act.fixes![0]);
    expect(chain(inserted)).toEqual(['input_layer', 'batch_normalization', 'activation', 'dense']);
    expect(problemsOf(inserted, 'dangling-branch')).toEqual([]);
    const deleted = applyFix(doc, act.fixes![1]);
    expect(deleted.nodes.map((n) => n.id)).toEqual(['n0', 'n1', 'n2']);
    expect(problemsOf(deleted, 'dangling-branch')).toEqual([]);
  });

  it('deletes a layer from a chain and reconnects the chain, keeping merge inputs in order', () => {
    const doc = graphDocument(
      [
        { className: 'InputLayer', config: { shape: [4] } },
        { className: 'Dense', config: { units: 4 } },
        { className: 'Dense', config: { units: 4 } },
        { className: 'Dropout', config: { rate: 0.5 } },
        { className: 'Concatenate' },
      ],
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [1, 4],
      ],
    );
    const bridged = removeFromDocument(doc, ['n3'], [], true);
    expect(bridged.edges.filter((e) => e.target === 'n4').map((e) => e.source)).toEqual(['n2', 'n1']);
    const gap = removeFromDocument(doc, ['n3']);
    expect(gap.edges.filter((e) => e.target === 'n4').map((e) => e.source)).toEqual(['n1']);
  });
});
