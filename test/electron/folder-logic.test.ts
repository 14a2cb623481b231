// The desktop's image-folder walk on real temporary folders: what it reads, what it leaves, and where it stops.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readImageFolderFiles } from '../../electron/main/folder-logic';

let root: string;
let outside: string;

beforeEach(() => {
  const base = mkdtempSync(join(tmpdir(), 'layercanvas-folder-'));
  root = join(base, 'pets');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'cat'), { recursive: true });
  mkdirSync(join(root, 'dog'));
  mkdirSync(outside);
});

afterEach(() => {
  rmSync(join(root, '..'), { recursive: true, force: true });
});

const write = (path: string, bytes: number | string) =>
  writeFileSync(path, typeof bytes === 'string' ? bytes : new Uint8Array(bytes).fill(7));
const paths = (folder: { files: { path: string }[] }) => folder.files.map((f) => f.path).sort();

describe('readImageFolderFiles', () => {
  it("reads <class>/<image> files with '/' paths relative to the folder, images only by extension", () => {
    write(join(root, 'cat', '001.png'), 'cat one');
    write(join(root, 'cat', '002.JPG'), 3);
    write(join(root, 'dog', '001.jpeg'), 4);
    write(join(root, 'dog', 'notes.txt'), 'not an image');
    write(join(root, 'dog', '.hidden.png'), 2);
    write(join(root, 'loose.png'), 1);
    const folder = readImageFolderFiles(root);
    expect(folder.name).toBe('pets');
    expect(folder.refused).toBeUndefined();
    expect(paths(folder)).toEqual(['cat/001.png', 'cat/002.JPG', 'dog/001.jpeg', 'loose.png']);
    expect(new TextDecoder().decode(folder.files.find((f) => f.path === 'cat/001.png')!.data)).toBe('cat one');
  });

  it('does not go deeper than <class>/<image>', () => {
    mkdirSync(join(root, 'cat', 'kittens'));
    write(join(root, 'cat', 'kittens', 'deep.png'), 1);
    write(join(root, 'cat', '001.png'), 1);
    expect(paths(readImageFolderFiles(root))).toEqual(['cat/001.png']);
  });

  it('never follows a symbolic link: not to a file, not to a folder, not as the picked folder itself', () => {
    write(join(outside, 'secret.png'), 'secret');
    mkdirSync(join(outside, 'bird'));
    write(join(outside, 'bird', '001.png'), 'bird');
    write(join(root, 'cat', '001.png'), 'cat');
    symlinkSync(join(outside, 'secret.png'), join(root, 'cat', 'link.png'));
    symlinkSync(join(outside, 'bird'), join(root, 'bird'));
    const folder = readImageFolderFiles(root);
    expect(paths(folder)).toEqual(['cat/001.png']);
    expect(folder.files.some((f) => new TextDecoder().decode(f.data) === 'secret')).toBe(false);

    const linked = join(outside, 'pets-link');
    symlinkSync(root, linked);
    const refused = readImageFolderFiles(linked);
    expect(refused.files).toEqual([]);
    expect(refused.refused?.message).toBe(`${linked} is a symbolic link, which LayerCanvas does not follow`);
  });

  it('refuses more files than the cap, stopping the walk there', () => {
    for (let i = 0; i < 12; i++) write(join(root, i % 2 ? 'cat' : 'dog', `${i}.png`), 1);
    const folder = readImageFolderFiles(root, { maxFiles: 5, maxBytes: 1e9 });
    expect(folder.files).toEqual([]);
    expect(folder.refused?.message).toBe('pets holds more than 5 images; LayerCanvas imports at most 5 from a folder');
    expect(folder.refused?.hint).toMatch(/layercanvas train --dataset/);
    expect(readImageFolderFiles(root, { maxFiles: 12, maxBytes: 1e9 }).files).toHaveLength(12);
  });

  it('refuses images larger in total than the byte cap', () => {
    write(join(root, 'cat', 'a.png'), 600_000);
    write(join(root, 'dog', 'b.png'), 600_000);
    const folder = readImageFolderFiles(root, { maxFiles: 100, maxBytes: 2 ** 20 });
    expect(folder.files).toEqual([]);
    expect(folder.refused?.message).toBe("pets's images take 1.1 MB; LayerCanvas imports at most 1.0 MB from a folder");
    expect(readImageFolderFiles(root, { maxFiles: 100, maxBytes: 1_200_000 }).files).toHaveLength(2);
  });

  it('says so when the folder holds no images at all', () => {
    write(join(root, 'cat', 'readme.md'), 'x');
    expect(readImageFolderFiles(root).refused?.message).toBe('pets holds no PNG or JPEG images in class folders');
  });
});
