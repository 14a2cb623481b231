/**
 * Code → canvas through the real Python importer: export the canvas, edit the code as a user would, import it,
 * merge. Positions of layers whose names survive the edit stay put; a bad edit is refused with its location.
 */
import { describe, expect, it } from 'vitest';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { infer } from '../../../engine/graph/inference';
import { getTemplate } from '../../../engine/graph/templates';
import { mergeImported } from '../../../renderer/actions/merge-positions';

function placedTemplate(id: string) {
  const doc = getTemplate(id)!.build();
  return { ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: 17 * i, y: 120 * i } })) };
}

describe('applying edited Keras code to the canvas', () => {
  it('keeps every position and id when the code is applied unchanged', () => {
    const current = placedTemplate('cnn-bn-before-activation');
    const imported = importKerasPython(exportKerasPython(current));
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const { doc, needsLayout } = mergeImported(current, imported.document);
    expect(needsLayout).toBe(false);
    expect(doc.nodes.map((n) => [n.id, n.position])).toEqual(current.nodes.map((n) => [n.id, n.position]));
    expect(infer(doc).totals).toEqual(infer(current).totals);
  });

  it('takes an edited argument and puts an inserted layer in its place in the chain, moving only the layers after it', () => {
    const current = placedTemplate('cnn-bn-before-activation');
    const code = exportKerasPython(current)
      .replace('layers.Dense(10, use_bias=False)', 'layers.Dropout(0.5),\n    layers.Dense(10, use_bias=False)')
      .replace('layers.Conv2D(32,', 'layers.Conv2D(16,');
    expect(code).toContain('Dropout(0.5)');
    const imported = importKerasPython(code);
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const { doc } = mergeImported(current, imported.document);
    const byName = new Map([...infer(doc).nodes.values()].map((i) => [i.name, doc.nodes.find((n) => n.id === i.id)!]));
    const oldByName = new Map(
      [...infer(current).nodes.values()].map((i) => [i.name, current.nodes.find((n) => n.id === i.id)!]),
    );
    // The classifier and the two layers after it move down to make room; nothing above the Dropout moves.
    const below = ['dense', 'batch_normalization_2', 'activation_2'];
    for (const [name, old] of oldByName)
      if (!below.includes(name)) expect(byName.get(name)?.position, name).toEqual(old.position);
      else expect(byName.get(name)!.position!.y, name).toBeGreaterThan(old.position!.y);
    expect(byName.get('conv2d')!.config.filters).toBe(16);
    const dropout = byName.get('dropout')!;
    const flatten = byName.get('flatten')!;
    const dense = byName.get('dense')!;
    // In the column, between its neighbours: no layer beside another, no connection looping back up.
    expect(dropout.position!.x).toBe(flatten.position!.x);
    expect(dropout.position!.y).toBeGreaterThan(flatten.position!.y);
    expect(dense.position!.y).toBeGreaterThan(dropout.position!.y);
    expect(dense.position!.x).toBe(oldByName.get('dense')!.position!.x);
    // Keras: Conv2D(16, 3x3, no bias) on (28, 28, 1) has 3·3·1·16 = 144 weights.
    expect(infer(doc).nodes.get(byName.get('conv2d')!.id)!.trainableParams).toBe(144);
  });

  it("reports the article's missing comma at its line and column, so the canvas is left as it was", () => {
    const snippet = [
      'from tensorflow.keras.models import Sequential',
      'from tensorflow.keras.layers import Dense, BatchNormalization, Conv2D, MaxPooling2D',
      'model = Sequential([',
      "Conv2D(32, (3,3), input_shape=(28, 28, 3) activation='relu'),",
      'BatchNormalization(),',
      '])',
    ].join('\n');
    const result = importKerasPython(snippet);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0].location?.line).toBe(4);
    expect(result.errors[0].location?.column).toBe('Conv2D(32, (3,3), input_shape=(28, 28, 3) '.length + 1);
  });
});
