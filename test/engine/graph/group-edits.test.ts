// Grouping layers into a nested Functional model: only a selection Keras can call as a sub-model (one tensor in, one
// out, contiguous), refused otherwise in one line; the group is one summary row and exports as a sub-model.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import type { ModelDocument } from '../../../engine/graph/document';
import { groupIntoModel, groupRefusal, ungroupModel } from '../../../engine/graph/group-edits';
import { infer } from '../../../engine/graph/inference';
import { summarize } from '../../../engine/graph/summary';

function flat(model: string): ModelDocument {
  const read = readKerasJson(readFileSync(join(import.meta.dirname, `../../fixtures/nested/${model}.json`), 'utf8'));
  if (!read.ok) throw new Error(read.errors[0].message);
  return ungroupModel(read.document, read.document.groups![0].id);
}
const ids = (doc: ModelDocument, ...names: string[]) =>
  names.map((name) => doc.nodes.find((n) => infer(doc).nodes.get(n.id)!.name === name)!.id);

describe('group selected layers into a nested model', () => {
  it("ungrouping stem lists its layers as rows; grouping them again gives one Functional row with stem's shape and params", () => {
    const doc = flat('seq_in_func');
    expect(doc.groups).toBeUndefined();
    expect(summarize(doc).layers.map((r) => r.name)).toContain('stem_bn');
    const made = groupIntoModel(doc, infer(doc), ids(doc, 'stem_conv', 'stem_bn', 'stem_relu'), 'g_new');
    if ('refusal' in made) throw new Error(made.refusal);
    const rows = summarize(made.doc).layers.map((r) => [r.name, r.class_name, r.output_shape, r.params]);
    expect(rows).toEqual([
      ['input_layer', 'InputLayer', [null, 8, 8, 3], 0],
      ['c0', 'Conv2D', [null, 6, 6, 4], 112],
      ['functional', 'Functional', [null, 6, 6, 6], 246],
      ['gap', 'GlobalAveragePooling2D', [null, 6], 0],
      ['head', 'Dense', [null, 3], 21],
    ]);
    // It exports as a sub-model and reads back as one.
    const back = readKerasJson(writeKerasJson(made.doc));
    if (!back.ok) throw new Error(back.errors[0].message);
    expect(back.document.groups?.map((g) => [g.className, g.name])).toEqual([['Functional', 'functional']]);
    expect(ungroupModel(made.doc, 'g_new')).toEqual(doc);
  });

  it('refuses, in one line, an Input, a selection with a gap, two tensors in or two out', () => {
    const seq = flat('seq_in_func');
    const func = flat('func_in_func');
    const why = (doc: ModelDocument, ...names: string[]) => groupRefusal(doc, infer(doc), ids(doc, ...names));
    expect(why(seq, 'input_layer', 'c0')).toBe('input_layer is a model input: a nested model starts after it');
    // A gap (stem_bn left out) is a second tensor out and a second one in.
    expect(why(seq, 'stem_conv', 'stem_relu')).toBe('a nested model takes one tensor here, and these layers take 2');
    expect(why(func, 'd0', 'block_a')).toBe('a nested model gives one tensor here, and 2 leave these layers');
    expect(why(func, 'block_add', 'cat')).toBe('a nested model takes one tensor here, and these layers take 2');
    // d0 feeds block_a and the residual block_add: one tensor, taken once.
    expect(why(func, 'block_a', 'block_b', 'block_add')).toBeNull();
  });

  it('grouping inside a nested model nests the new model in it; ungrouping puts its layers back there', () => {
    const read = readKerasJson(
      readFileSync(join(import.meta.dirname, '../../fixtures/nested/seq_in_func_in_func.json'), 'utf8'),
    );
    if (!read.ok) throw new Error(read.errors[0].message);
    const doc = read.document;
    const made = groupIntoModel(doc, infer(doc), ids(doc, 'inner_a', 'inner_bn'), 'g_new');
    if ('refusal' in made) throw new Error(made.refusal);
    expect(made.doc.groups!.find((g) => g.id === 'g_new')!.parent).toBe('n2_g2');
    expect(summarize(made.doc).layers.find((r) => r.name === 'mid')!.params).toBe(185);
    expect(ungroupModel(made.doc, 'g_new')).toEqual(doc);
    expect(groupRefusal(doc, infer(doc), ids(doc, 'pre', 'mid_d'))).toBe(
      'the layers are in different nested models: select layers of one model',
    );
  });
});
