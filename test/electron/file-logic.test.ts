import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileFromArgv, PathGrants, readHostFile, weightPaths } from '../../electron/main/file-logic';
import { resolveAppRequest } from '../../electron/main/protocol-logic';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-files-'));
  mkdirSync(join(dir, 'model'));
  mkdirSync(join(dir, 'model', 'shards'));
  writeFileSync(join(dir, 'secret.txt'), 'top secret');
  writeFileSync(join(dir, 'model', 'group1-shard1of2.bin'), new Uint8Array([1, 2, 3, 4]));
  writeFileSync(join(dir, 'model', 'shards', 'group1-shard2of2.bin'), new Uint8Array([5, 6, 7, 8]));
  writeFileSync(
    join(dir, 'model', 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      modelTopology: {},
      weightsManifest: [{ paths: ['group1-shard1of2.bin', 'shards/group1-shard2of2.bin', 'missing.bin'], weights: [] }],
    }),
  );
  const manifest = (paths: string[]) =>
    JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [{ paths, weights: [] }] });
  writeFileSync(join(dir, 'model', 'climbs.json'), manifest(['group1-shard1of2.bin', '../secret.txt']));
  writeFileSync(join(dir, 'model', 'absolute.json'), manifest(['/etc/passwd']));
  writeFileSync(join(dir, 'model', 'linked.json'), manifest(['link.txt']));
  writeFileSync(join(dir, 'net.py'), 'import keras\n');
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'model', 'link.txt'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a model file', () => {
  it('brings the weight shards a TF.js model.json names, by the path it names them', () => {
    const r = readHostFile(join(dir, 'model', 'model.json'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.name).toBe('model.json');
    expect(r.file.path).toBe(join(dir, 'model', 'model.json'));
    expect(Object.keys(r.file.siblings ?? {}).sort()).toEqual(['group1-shard1of2.bin', 'shards/group1-shard2of2.bin']);
    expect([...r.file.siblings!['shards/group1-shard2of2.bin']]).toEqual([5, 6, 7, 8]);
  });

  it('refuses a model whose shard path climbs, is absolute, or is a symlink out of the model folder', () => {
    for (const [name, message] of [
      ['climbs.json', "climbs.json: '../secret.txt' is outside the model's folder"],
      ['absolute.json', "absolute.json: '/etc/passwd' is not a path relative to the model's folder"],
      ['linked.json', "linked.json: 'link.txt' leads (through a symbolic link) outside the model's folder"],
    ]) {
      const r = readHostFile(join(dir, 'model', name));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain(message);
    }
  });

  it('reads other files without siblings', () => {
    const r = readHostFile(join(dir, 'net.py'));
    expect(r.ok && new TextDecoder().decode(r.file.data)).toBe('import keras\n');
    expect(r.ok && r.file.siblings).toBeUndefined();
  });

  it('says why it cannot open a missing file or a folder', () => {
    const missing = readHostFile(join(dir, 'nope.py'));
    expect(missing).toEqual({ ok: false, message: `Can't open ${join(dir, 'nope.py')}: it does not exist.` });
    const folder = readHostFile(dir);
    expect(folder.ok).toBe(false);
    if (!folder.ok) expect(folder.message).toContain('is not a file');
  });

  it('finds no weight paths in files that are not TF.js models', () => {
    expect(weightPaths('{"class_name": "Sequential"}')).toEqual([]);
    expect(weightPaths('weightsManifest but not json')).toEqual([]);
  });
});

describe('command line', () => {
  it('picks the first existing model file, skipping switches and the app itself', () => {
    const app = join(dir, 'app');
    expect(fileFromArgv(['/opt/LayerCanvas/layercanvas', '--no-sandbox', 'net.py'], dir, app)).toBe(
      join(dir, 'net.py'),
    );
    // Development: `electron . model/model.json` run in the repository.
    expect(fileFromArgv(['electron', '.', 'model/model.json'], dir, dir)).toBe(join(dir, 'model', 'model.json'));
    expect(fileFromArgv(['electron', app, 'model/model.json'], dir, app)).toBe(join(dir, 'model', 'model.json'));
  });

  it('ignores files that do not exist or are not models', () => {
    expect(fileFromArgv(['exe', 'missing.py', 'secret.txt'], dir)).toBe(null);
  });
});

describe('saving', () => {
  it('allows a dialog-free save only to paths the user chose', () => {
    const grants = new PathGrants();
    grants.grant(join(dir, 'net.py'));
    expect(grants.allows(join(dir, 'net.py'))).toBe(true);
    expect(grants.allows(join(dir, 'model', '..', 'net.py'))).toBe(true);
    expect(grants.allows(join(dir, 'other.py'))).toBe(false);
    expect(grants.allows('net.py')).toBe(false);
  });
});

describe('app:// requests', () => {
  it('maps app://layercanvas/ paths into the renderer folder only', () => {
    const root = join(dir, 'model');
    expect(resolveAppRequest(root, 'app://layercanvas/model.json')).toBe(join(root, 'model.json'));
    expect(resolveAppRequest(root, 'app://layercanvas/shards/group1-shard2of2.bin?x=1')).toBe(
      join(root, 'shards', 'group1-shard2of2.bin'),
    );
    for (const url of [
      'app://layercanvas/../secret.txt',
      'app://layercanvas/%2e%2e/secret.txt',
      'app://layercanvas/..%2fsecret.txt',
      'app://layercanvas/%00model.json',
      'app://other/model.json',
      'file:///etc/passwd',
      'app://layercanvas/shards',
      'app://layercanvas/%E0%A4%A',
      'app://layercanvas/link.txt',
    ]) {
      expect(resolveAppRequest(root, url), url).toBe(null);
    }
  });
});
