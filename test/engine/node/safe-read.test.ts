import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRefusal, modelFolderFiles, readRegularFile, readRegularFileSync } from '../../../engine/node/safe-read';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-read-'));
  mkdirSync(join(dir, 'model'));
  mkdirSync(join(dir, 'model', 'shards'));
  // The sibling whose name starts with the model folder's: `startsWith(dir)` without a separator let it through.
  mkdirSync(join(dir, 'model-private'));
  writeFileSync(join(dir, 'model-private', 'secret.bin'), 'secret');
  writeFileSync(join(dir, 'model', 'model.json'), '{}');
  writeFileSync(join(dir, 'model', 'a.bin'), new Uint8Array(100));
  writeFileSync(join(dir, 'model', 'shards', 'b.bin'), new Uint8Array(50));
  symlinkSync(join(dir, 'model-private', 'secret.bin'), join(dir, 'model', 'out-link.bin'));
  symlinkSync('a.bin', join(dir, 'model', 'in-link.bin'));
  execFileSync('mkfifo', [join(dir, 'pipe')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FileRefusal);
    return e as FileRefusal;
  }
  throw new Error('expected a refusal');
};

describe('reading regular files only', () => {
  it('reads a regular file', () => {
    expect(readRegularFileSync(join(dir, 'model', 'a.bin')).byteLength).toBe(100);
  });
  it('refuses a named pipe at once instead of blocking', async () => {
    expect(refusal(() => readRegularFileSync(join(dir, 'pipe'))).message).toBe(
      `${join(dir, 'pipe')} is a named pipe, not a file`,
    );
    await expect(readRegularFile(join(dir, 'pipe'))).rejects.toThrow('is a named pipe');
  });
  it('refuses /dev/zero, which never ends', () => {
    expect(refusal(() => readRegularFileSync('/dev/zero')).message).toBe('/dev/zero is a device, not a file');
  });
  it('refuses a folder and a missing file, saying which', () => {
    expect(refusal(() => readRegularFileSync(dir)).code).toBe('not-a-file');
    expect(refusal(() => readRegularFileSync(join(dir, 'nope'))).code).toBe('missing');
  });
  it('caps the size before reading', async () => {
    const r = refusal(() => readRegularFileSync(join(dir, 'model', 'a.bin'), 99));
    expect(r.code).toBe('too-large');
    await expect(readRegularFile(join(dir, 'model', 'a.bin'), 99)).rejects.toThrow('more than');
  });
});

describe('files beside a model stay inside its folder', () => {
  const files = () => modelFolderFiles(join(dir, 'model', 'model.json'));
  it('reads shards by relative path, sub-folders and symlinks that stay inside included', () => {
    const f = files();
    expect((f.read('a.bin') as Uint8Array).byteLength).toBe(100);
    expect((f.read('shards/b.bin') as Uint8Array).byteLength).toBe(50);
    expect((f.read('in-link.bin') as Uint8Array).byteLength).toBe(100);
  });
  it("refuses ../model-private/secret.bin, a sibling folder whose name starts with the model folder's", () => {
    expect(files().read('../model-private/secret.bin')).toEqual({
      refused:
        "'../model-private/secret.bin' is outside the model's folder; LayerCanvas reads weight files only from beside the model",
    });
  });
  it('refuses a symlinked shard that leads out, absolute paths and the folder itself', () => {
    expect(files().read('out-link.bin')).toMatchObject({ refused: expect.stringContaining('through a symbolic link') });
    expect(files().read(join(dir, 'model', 'a.bin'))).toMatchObject({
      refused: expect.stringContaining('not a path relative'),
    });
    expect(files().read('.')).toMatchObject({ refused: expect.stringContaining("the model's folder itself") });
    expect(files().read('shards')).toMatchObject({ refused: expect.stringContaining('is a folder') });
  });
  it('reads a missing shard as undefined, for the format to name', () => {
    expect(files().read('missing.bin')).toBeUndefined();
    expect(files().read('../missing.bin')).toMatchObject({ refused: expect.stringContaining('outside') });
  });
  it('reads a file named many times once, and caps all of them together', () => {
    const f = files();
    for (let i = 0; i < 40; i++) f.read('a.bin');
    f.read('./a.bin');
    f.read('in-link.bin');
    expect(f.bytesRead).toBe(100);
    const capped = modelFolderFiles(join(dir, 'model', 'model.json'), 120);
    expect(capped.read('a.bin')).toBeInstanceOf(Uint8Array);
    expect(capped.read('shards/b.bin')).toMatchObject({
      refused: expect.stringContaining("more than 120.00 B by 'shards/b.bin'"),
    });
    expect(existsSync(join(dir, 'model', 'a.bin'))).toBe(true);
  });
});
