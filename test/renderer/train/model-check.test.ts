import { describe, expect, it } from 'vitest';
import { suggestLoss as cliSuggestLoss } from '../../../cli/train';
import { builtinInfo, generateBuiltin } from '../../../engine/data/registry';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import {
  checkInput,
  checkOutput,
  datasetFitProblem,
  suggestLoss,
  trainBlocker,
  withInputShape,
  withProblem,
} from '../../../renderer/panels/train/model-check';
import { applyFix } from '../../../engine/graph/fixes';
import { useGraph } from '../../../renderer/stores/graph';

const mnist = builtinInfo('mnist')!;
const spirals = builtinInfo('spirals')!;
const cnn = () => getTemplate('cnn-bn-before-activation')!.build();
const mlp = (inputShape: number[], units: number, activation: string) =>
  chainDocument([
    { className: 'InputLayer', config: { shape: inputShape } },
    { className: 'Dense', config: { units: 16, activation: 'relu' } },
    { className: 'Dense', config: { units, activation } },
  ]);

describe('the dataset checked against the Input', () => {
  it("accepts MNIST (28, 28, 1) for the article CNN's Input (28, 28, 1)", () => {
    const doc = cnn();
    expect(checkInput(doc, infer(doc), mnist)).toEqual({ kind: 'ok' });
  });

  it('offers "Set Input to (28, 28, 1)" for an MLP on (784,), and says a Flatten keeps the vector', () => {
    const doc = mlp([784], 10, 'softmax');
    const check = checkInput(doc, infer(doc), mnist);
    expect(check.kind).toBe('mismatch');
    if (check.kind !== 'mismatch') return;
    expect(check.fixLabel).toBe('Set Input to (28, 28, 1)');
    expect(check.nodeId).toBe('n0');
    expect(check.mismatch.message).toBe("The dataset's samples are (28, 28, 1) but the model's Input is (784,).");
    expect(check.mismatch.hint).toContain('Flatten');
    expect(check.mismatch.fix).toEqual({ shape: [28, 28, 1] });
  });

  it('offers "Set Input to (2,)" when the CNN meets the two-feature spirals', () => {
    const doc = cnn();
    const check = checkInput(doc, infer(doc), spirals);
    expect(check.kind === 'mismatch' && check.fixLabel).toBe('Set Input to (2,)');
  });

  it('says so, with no fix to click, when the model has no Input', () => {
    const doc = chainDocument([{ className: 'Dense', config: { units: 2 } }]);
    const check = checkInput(doc, infer(doc), spirals);
    expect(check.kind).toBe('unfixable');
    if (check.kind === 'unfixable') expect(check.hint).toContain('(2,)');
  });

  it('applies the fix as one undoable edit through the graph store', () => {
    const doc = mlp([784], 10, 'softmax');
    useGraph.getState().load(doc);
    const check = checkInput(doc, infer(doc), mnist);
    if (check.kind !== 'mismatch' || !('shape' in check.mismatch.fix)) throw new Error('expected a shape fix');
    const shape = check.mismatch.fix.shape;
    useGraph.getState().commit((d) => withInputShape(d, check.nodeId, shape));
    const fixed = useGraph.getState().doc;
    expect(infer(fixed).nodes.get('n0')!.outputShape).toEqual([null, 28, 28, 1]);
    expect(checkInput(fixed, infer(fixed), mnist)).toEqual({ kind: 'ok' });
    expect(useGraph.getState().past).toHaveLength(1);
    useGraph.getState().undo();
    expect(useGraph.getState().doc.nodes[0].config.shape).toEqual([784]);
  });
});

describe('the suggested loss (Keras practice: integer class labels → sparse categorical crossentropy)', () => {
  const cases: { name: string; doc: ReturnType<typeof cnn>; dataset: 'mnist' | 'spirals'; expected: string }[] = [
    { name: 'softmax over 10 classes', doc: cnn(), dataset: 'mnist', expected: 'sparse_categorical_crossentropy' },
    {
      name: 'sigmoid on one unit for two classes',
      doc: mlp([2], 1, 'sigmoid'),
      dataset: 'spirals',
      expected: 'binary_crossentropy',
    },
    {
      name: 'one linear unit for two classes',
      doc: mlp([2], 1, 'linear'),
      dataset: 'spirals',
      expected: 'binary_crossentropy',
    },
    {
      name: 'softmax over two classes',
      doc: mlp([2], 2, 'softmax'),
      dataset: 'spirals',
      expected: 'sparse_categorical_crossentropy',
    },
  ];
  for (const c of cases)
    it(`picks ${c.expected} for ${c.name}, as \`layercanvas train\` does`, () => {
      const info = builtinInfo(c.dataset)!;
      expect(suggestLoss(infer(c.doc), info)).toBe(c.expected);
      if (c.dataset !== 'mnist')
        expect(cliSuggestLoss(c.doc, generateBuiltin(c.dataset, { count: 8 })!)).toBe(c.expected);
    });

  it('falls back to mean squared error for data without classes', () => {
    expect(suggestLoss(infer(mlp([2], 1, 'linear')), { numClasses: 0 })).toBe('mean_squared_error');
  });
});

describe('the dataset checked against the output', () => {
  it('accepts 10 softmax units for MNIST, and one sigmoid unit (or two) for a two-class set', () => {
    const ten = mlp([784], 10, 'softmax');
    expect(checkOutput(infer(ten), mnist)).toEqual({ kind: 'ok' });
    for (const units of [1, 2]) {
      const doc = mlp([2], units, units === 1 ? 'sigmoid' : 'softmax');
      expect(checkOutput(infer(doc), spirals)).toEqual({ kind: 'ok' });
    }
  });

  it('offers to set the scoring Dense to 10 units when the CNN scores 3 classes, looking back through Activation and Dropout', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Flatten', config: {} },
      { className: 'Dense', name: 'scores', config: { units: 3 } },
      { className: 'Dropout', config: { rate: 0.2 } },
      { className: 'Activation', config: { activation: 'softmax' } },
    ]);
    const check = checkOutput(infer(doc), mnist);
    expect(check).toMatchObject({
      kind: 'mismatch',
      message: "The dataset has 10 classes but the model's output has 3 units.",
    });
    if (check.kind !== 'mismatch') throw new Error('expected a mismatch');
    expect(check.fixes.map((f) => f.label)).toEqual(['Set scores units to 10']);
    const fixed = applyFix(doc, check.fixes[0]);
    expect(checkOutput(infer(fixed), mnist)).toEqual({ kind: 'ok' });
  });

  it('explains without a fix when no Dense sets the width, and stays quiet while the output cannot be inferred', () => {
    const pooled = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3] } },
      { className: 'GlobalAveragePooling2D', config: {} },
    ]);
    expect(checkOutput(infer(pooled), mnist)).toMatchObject({ kind: 'mismatch', fixes: [] });
    const broken = chainDocument([
      { className: 'InputLayer', config: { shape: [2] } },
      { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3] } },
    ]);
    expect(checkOutput(infer(broken), mnist)).toEqual({ kind: 'ok' });
  });

  it('refuses a (None, 12, 12, 2) output for 10 classes and fixes it with Flatten or pooling before the Dense, then the units', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3] } },
      { className: 'MaxPooling2D', config: {} },
      { className: 'Dense', name: 'scores', config: { units: 2, activation: 'softmax' } },
    ]);
    const inference = infer(doc);
    expect(inference.nodes.get(inference.outputs[0])!.outputShape).toEqual([null, 13, 13, 2]);
    const check = checkOutput(inference, mnist);
    if (check.kind !== 'mismatch') throw new Error('expected a mismatch');
    expect(check.message).toBe(
      "The model's output is (None, 13, 13, 2), but classifying 10 classes needs (None, 10): one score per class.",
    );
    expect(check.fixes.map((f) => f.label)).toEqual([
      'Insert Flatten before scores',
      'Insert GlobalAveragePooling2D before scores',
    ]);
    for (const [i, features] of [
      [0, 13 * 13 * 4],
      [1, 4],
    ] as const) {
      const flat = applyFix(doc, check.fixes[i]);
      const denseInput = infer(flat).nodes.get(inference.outputs[0])!;
      expect(denseInput.weights.find((w) => w.name === 'kernel')!.shape).toEqual([features, 2]);
      // Now rank 2: what is left is the width, with its own fix.
      const next = checkOutput(infer(flat), mnist);
      if (next.kind !== 'mismatch') throw new Error('expected the units mismatch');
      expect(next.fixes.map((f) => f.label)).toEqual(['Set scores units to 10']);
      const done = applyFix(flat, next.fixes[0]);
      expect(checkOutput(infer(done), mnist)).toEqual({ kind: 'ok' });
      expect(trainBlocker(done, infer(done), mnist)).toBeNull();
    }
  });

  it('adds Flatten and a Dense(10, softmax) head to a model that ends in a convolution', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', name: 'features', config: { filters: 4, kernel_size: [3, 3] } },
    ]);
    const check = checkOutput(infer(doc), mnist);
    if (check.kind !== 'mismatch') throw new Error('expected a mismatch');
    expect(check.fixes.map((f) => f.label)).toEqual([
      'Add Flatten and Dense(10, softmax) after features',
      'Add GlobalAveragePooling2D and Dense(10, softmax) after features',
    ]);
    const fixed = applyFix(doc, check.fixes[0]);
    const inference = infer(fixed);
    expect(inference.nodes.get(inference.outputs[0])!.outputShape).toEqual([null, 10]);
    expect(fixed.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Conv2D', 'Dense', 'Flatten']);
    expect(trainBlocker(fixed, inference, mnist)).toBeNull();
  });

  it('leaves a regression output alone: mean squared error takes any shape', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3] } },
    ]);
    expect(checkOutput(infer(doc), mnist, 'mean_squared_error')).toEqual({ kind: 'ok' });
  });
});

describe('the output check as a canvas problem (Problems list and badge)', () => {
  const threeUnits = () =>
    chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Flatten', config: {} },
      { className: 'Dense', name: 'scores', config: { units: 3, activation: 'softmax' } },
    ]);

  it('puts "units ≠ classes" on the scoring Dense with its fix, in the node, the list and the warning count', () => {
    const doc = threeUnits();
    const inference = infer(doc);
    const problem = datasetFitProblem(doc, inference, mnist);
    expect(problem).toMatchObject({
      nodeId: 'n2',
      severity: 'warning',
      code: 'output-units-vs-classes',
      message: "The dataset has 10 classes but the model's output has 3 units (the Train tab's dataset: MNIST digits).",
    });
    expect(problem!.fixes!.map((f) => f.label)).toEqual(['Set scores units to 10']);
    const shown = withProblem(inference, problem);
    expect(shown.nodes.get('n2')!.problems.at(-1)).toBe(problem);
    expect(shown.problems).toContain(problem);
    expect(shown.warningCount).toBe(inference.warningCount + 1);
    expect(shown.errorCount).toBe(inference.errorCount);
    // The original inference (memoised for every other view) is left as it was.
    expect(inference.nodes.get('n2')!.problems).not.toContain(problem);
    const fixed = applyFix(doc, problem!.fixes![0]);
    expect(datasetFitProblem(fixed, infer(fixed), mnist)).toBeNull();
  });

  it('puts a rank-4 output on the last layer with the Flatten + Dense head fix', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', name: 'features', config: { filters: 2, kernel_size: [3, 3] } },
    ]);
    const problem = datasetFitProblem(doc, infer(doc), mnist);
    expect(problem).toMatchObject({ nodeId: 'n1', code: 'output-rank-vs-labels' });
    expect(problem!.message).toContain(
      "The model's output is (None, 26, 26, 2), but classifying 10 classes needs (None, 10)",
    );
    const fixed = applyFix(doc, problem!.fixes![0]);
    expect(datasetFitProblem(fixed, infer(fixed), mnist)).toBeNull();
  });

  it('says nothing twice (a Dense fed 4-D already warns with these fixes), nor for a model built for other data', () => {
    const denseOnImage = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Dense', config: { units: 10, activation: 'softmax' } },
    ]);
    const inference = infer(denseOnImage);
    expect(inference.nodes.get('n1')!.problems.map((p) => p.code)).toContain('dense-on-image');
    expect(datasetFitProblem(denseOnImage, inference, mnist)).toBeNull();
    const otherData = mlp([2], 3, 'softmax');
    expect(datasetFitProblem(otherData, infer(otherData), mnist)).toBeNull();
    expect(datasetFitProblem(otherData, infer(otherData), spirals)).toMatchObject({ code: 'output-units-vs-classes' });
  });
});
