import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  binaryFormatOf,
  detectFormat,
  FORMATS,
  readModel,
  readModelFile,
  readWeightsFile,
} from '../../../engine/formats/detect';
import { writeWeightsJson } from '../../../engine/formats/weights-json';
import { writeProject } from '../../../engine/formats/project';
import type { ModelFormat } from '../../../engine/formats/types';
import { getTemplate } from '../../../engine/graph/templates';

const fx = (p: string) => readFileSync(join(__dirname, '../../fixtures', p), 'utf8');
const bin = (p: string) => new Uint8Array(readFileSync(join(__dirname, '../../fixtures/binary', p)));
const utf8 = (text: string) => new TextEncoder().encode(text);
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
    expect(!d.ok && d.error.hint).toMatch(/TensorFlow\.js.*Keras model JSON.*Python/);
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

/** A zip whose first member is `member`: the local header's name (offset 30) and its length (offset 26). */
function zipHead(member: string): Uint8Array {
  const head = new Uint8Array(30 + member.length);
  head.set([0x50, 0x4b, 3, 4]);
  head[26] = member.length;
  head.set(new TextEncoder().encode(member), 30);
  return head;
}

/** How each registered format is told from its content, and what its name alone decides. */
const BY_FORMAT: Record<
  ModelFormat['id'],
  { content: Uint8Array; name: { file: string; content: Uint8Array } | null }
> = {
  keras: { content: bin('tiny.keras'), name: { file: 'saved.keras', content: zipHead('notes.txt') } },
  // An .h5 is known by its HDF5 signature alone: without it the name tells nothing the bytes would confirm.
  'keras-h5': { content: bin('tiny.h5'), name: null },
  project: {
    content: utf8(writeProject(getTemplate('article-cnn')!.build())),
    name: { file: 'mine.layercanvas.json', content: utf8('{"model": {}}') },
  },
  // TF.js and Keras JSON share .json: only their content tells them apart.
  tfjs: { content: utf8(fx('tfjs/article-cnn/model.json')), name: null },
  'keras-json': { content: utf8(fx('keras-json/keras3-functional-residual.json')), name: null },
  'weights-json': {
    content: utf8('{"dense": {"kernel": {"shape": [1, 1], "dtype": "float32", "data": [0.5]}}}'),
    name: { file: 'trained.weights.json', content: utf8('{}') },
  },
  'keras-py': { content: utf8(fx('python/article-mlp.py')), name: { file: 'net.py', content: utf8('x = 1\n') } },
  onnx: { content: new Uint8Array(), name: null },
};

/** Detection as hosts do it: the bytes first, then the text. */
function detectBytes(bytes: Uint8Array, fileName: string): string {
  const binary = binaryFormatOf(bytes, fileName);
  if (binary) return binary.id;
  return id(new TextDecoder().decode(bytes), fileName);
}

describe('detection asks the format registry', () => {
  it.each(FORMATS.map((f) => [f.id]))('%s is detected from its content under a name that tells nothing', (format) => {
    expect(detectBytes(BY_FORMAT[format as ModelFormat['id']].content, 'upload.dat')).toBe(format);
  });

  it.each(FORMATS.map((f) => [f.id]))('%s is detected from its name when the content does not say', (format) => {
    const byName = BY_FORMAT[format as ModelFormat['id']].name;
    const extensions = FORMATS.find((f) => f.id === format)!.extensions;
    if (!byName) {
      // Content-only formats: their extension is shared or their bytes are needed, and the name decides nothing.
      for (const ext of extensions) expect(detectBytes(utf8('{"model": {}}'), `model${ext}`)).toMatch(/^error: /);
      return;
    }
    expect(extensions.some((ext) => byName.file.endsWith(ext))).toBe(true);
    expect(detectBytes(byName.content, 'upload.dat')).not.toBe(format);
    expect(detectBytes(byName.content, byName.file)).toBe(format);
  });

  it('an unknown file gets one line naming it, and a hint listing every format the registry reads', () => {
    for (const [text, name] of [
      ['hello there', 'notes.txt'],
      ['{"some": "json"}', 'data.json'],
    ]) {
      const d = detectFormat(text, name);
      expect(d.ok).toBe(false);
      if (d.ok) continue;
      expect(d.error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is (JSON, but )?not a model`));
      expect(d.error.message).not.toContain('\n');
      for (const f of FORMATS) expect(d.error.hint).toContain(f.title);
    }
  });
});

describe('readWeightsFile asks the registry which weights format the bytes are', () => {
  it('Keras HDF5 weights by their signature, weights JSON by default, whatever the names say', async () => {
    const model = await readModelFile(bin('tiny.keras'), 'tiny.keras');
    if (!model.ok) throw new Error(model.errors[0].message);
    const { weights: _dropped, ...bare } = model.document;
    const h5 = await readWeightsFile(bin('tiny.weights.h5'), bare, 'renamed.json');
    expect(h5.ok && Object.keys(h5.document.weights ?? {}).sort()).toEqual(Object.keys(model.document.weights!).sort());
    const json = await readWeightsFile(utf8(writeWeightsJson(model.document)), bare, 'renamed.h5');
    expect(json.ok && Object.keys(json.document.weights ?? {}).length).toBe(
      Object.keys(model.document.weights!).length,
    );
    const junk = await readWeightsFile(utf8('hello'), bare, 'notes.txt');
    expect(junk.ok).toBe(false);
  });
});
