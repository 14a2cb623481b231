import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, readModel } from '../../../engine/formats/detect';
import { writeProject } from '../../../engine/formats/project';
import { getTemplate } from '../../../engine/graph/templates';

const fx = (p: string) => readFileSync(join(__dirname, '../../fixtures', p), 'utf8');
const id = (text: string, name?: string) => {
  const d = detectFormat(text, name);
  return d.ok ? d.format.id : `error: ${d.error.message}`;
};

describe('detectFormat: content first', () => {
  it('tells the formats apart by content, whatever the file is called', () => {
    expect(id(writeProject(getTemplate('article-cnn')!.build()), 'model.json')).toBe('project');
    expect(id(fx('tfjs/article-cnn/model.json'), 'whatever.txt')).toBe('tfjs');
    expect(id(fx('keras-json/keras3-functional-residual.json'))).toBe('keras-json');
    expect(id(fx('keras-json/tfkeras2-sequential-article-mlp.json'), 'model.json')).toBe('keras-json');
    expect(id('{"dense": {"kernel": {"shape": [1, 1], "dtype": "float32", "data": [0.5]}}}')).toBe('weights-json');
    expect(id('import keras\nfrom keras import layers\nmodel = keras.Sequential([layers.Dense(2)])\n')).toBe(
      'keras-py',
    );
    expect(id('model = Sequential()\nmodel.add(Dense(3))', 'net.txt')).toBe('keras-py');
  });

  it('unknown content says which formats are understood; broken JSON says where', () => {
    expect(id('hello there')).toMatch(/^error: this is not a model format/);
    const d = detectFormat('just words', 'notes.txt');
    expect(!d.ok && d.error.hint).toMatch(/Keras model JSON.*TF\.js.*Python/);
    const j = detectFormat('{"a": 1,}');
    expect(!j.ok && j.error.location).toEqual({ line: 1, column: 9 });
    expect(id('{"some": "json"}')).toMatch(/JSON, but not a model/);
  });
});

describe('readModel', () => {
  it('reads with the detected format and says which', () => {
    const r = readModel(fx('keras-json/keras3-sequential-article-cnn.json'), 'cnn.json');
    expect(r.ok && r.format).toBe('keras-json');
    const dir = join(__dirname, '../../fixtures/tfjs/article-mlp');
    const t = readModel(fx('tfjs/article-mlp/model.json'), 'model.json', {
      read: (p) => new Uint8Array(readFileSync(join(dir, p))),
    });
    expect(t.ok && t.format).toBe('tfjs');
    expect(t.ok && Object.keys(t.document.weights!).length).toBe(5);
  });

  it('never throws on junk', () => {
    for (const junk of [
      '',
      '{',
      '[]',
      'null',
      '{"formatVersion": "x"}',
      '{"format": "layers-model"}',
      '{"class_name": "Sequential", "config": 3}',
    ])
      expect(() => readModel(junk)).not.toThrow();
  });
});
