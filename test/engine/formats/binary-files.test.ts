import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBinary, recognizeBinary, recognizeFolder } from '../../../engine/formats/binary-files';
import { detectFormat, readModel } from '../../../engine/formats/detect';

const BINARY = join(__dirname, '../../fixtures/binary');
/** A file as the hosts hand it to the engine: its bytes decoded as UTF-8 (invalid bytes become U+FFFD). */
const asText = (name: string) => new TextDecoder('utf-8').decode(readFileSync(join(BINARY, name)));
/** The same file decoded as Latin-1, as a host reading bytes one per character would give it. */
const asLatin1 = (name: string) => new TextDecoder('latin1').decode(readFileSync(join(BINARY, name)));

describe('binary model files (written by Keras 3.15.1) are told by their first bytes, never parsed as Python', () => {
  it.each([
    [
      'tiny.keras',
      /^tiny\.keras is a Keras 3 \.keras file \(a zip\), which LayerCanvas reads from its bytes, not as text$/,
      /^open the file itself \(File ▸ Open…, drop it on the window, or give its path to the CLI\)/,
    ],
    [
      'tiny.h5',
      /^tiny\.h5 is an HDF5 file \(Keras \.h5\), which LayerCanvas reads from its bytes, not as text$/,
      /^open the file itself/,
    ],
    [
      'tiny.weights.h5',
      /is a Keras weights file \(HDF5\) without the model/,
      /open the model first, then load these weights/,
    ],
    [
      'savedmodel/saved_model.pb',
      /is part of a TensorFlow SavedModel folder \(protobuf\)/,
      /model\.to_json\(\).*\.keras/,
    ],
  ])('%s: one error saying what it is, with what to do', (file, message, hint) => {
    const name = file.split('/').pop()!;
    const result = readModel(asText(file), name);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].message).toMatch(message);
    expect(result.errors[0].hint).toMatch(hint);
    expect(result.errors[0].location).toBeUndefined();
  });

  it('the magic numbers match in a Latin-1 decoding too (HDF5 starts with byte 0x89)', () => {
    expect(recognizeBinary(asLatin1('tiny.h5'), 'tiny.h5')?.message).toMatch(/HDF5/);
    expect(recognizeBinary(asLatin1('tiny.keras'), 'tiny.keras')?.message).toMatch(/\.keras file/);
  });

  it('content decides, not the name: a .keras zip renamed model.py is still a .keras file; its zip members tell', () => {
    expect(recognizeBinary(asText('tiny.keras'), 'model.py')?.message).toMatch(/^model\.py is a Keras 3 \.keras file/);
    expect(recognizeBinary(asText('tiny.h5'), 'model.py')?.message).toMatch(/HDF5/);
  });

  it('another zip is a zip archive; an unnamed binary is "this file"; unknown binaries name what LayerCanvas reads', () => {
    const zip = 'PK\u0003\u0004\u0014\u0000\u0000\u0000\u0008\u0000data/readme.txt';
    expect(recognizeBinary(zip, 'bundle.zip')?.message).toBe('bundle.zip is a zip archive, not a model file');
    const png = '\uFFFDPNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR';
    const d = detectFormat(png);
    expect(!d.ok && d.error.message).toBe('this file is a binary file, not a model format LayerCanvas knows');
    expect(!d.ok && d.error.hint).toMatch(/Keras JSON/);
  });

  it('text files are not binary: Python with tabs and form feeds, JSON, UTF-8 names', () => {
    expect(isBinary('import keras\n\tx = 1\f\r\n# café ü 模型\n')).toBe(false);
    expect(recognizeBinary('{"class_name": "Sequential"}', 'm.json')).toBeNull();
    expect(detectFormat('import keras\nfrom keras import layers\n', 'm.py').ok).toBe(true);
  });
});

describe('folders given as a model', () => {
  it('a SavedModel folder says to export model.to_json() or save as .keras; a TF.js folder points at model.json', () => {
    const saved = recognizeFolder('export', ['assets', 'fingerprint.pb', 'saved_model.pb', 'variables']);
    expect(saved?.message).toBe("export is a TensorFlow SavedModel folder; LayerCanvas can't read SavedModels");
    expect(saved?.hint).toBe('in Python, export model.to_json() to a .json file, or save the model as .keras');
    expect(recognizeFolder('web', ['model.json', 'group1-shard1of1.bin'])?.hint).toBe(
      'open the model.json inside it (web/model.json)',
    );
    expect(recognizeFolder('photos', ['a.png'])).toBeNull();
  });
});
