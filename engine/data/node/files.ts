/** Reading dataset files from disk for the importers, which only ever see bytes. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FileEntry } from '../importers/image-folder';

/** A folder deep enough for `<root>/<split>/<class>/<image>` and then some; deeper is likely a wrong folder. */
const MAX_DEPTH = 6;

/**
 * Every file under `root` with its path relative to it ('cat/001.png'), hidden files and folders left out.
 * Paths use '/' on every OS, as the browser's folder upload gives them. `accept` skips files unread by name.
 */
export async function walkFolder(root: string, accept: (fileName: string) => boolean = () => true): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const visit = async (dir: string, depth: number) => {
    const items = await readdir(dir, { withFileTypes: true });
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      if (item.name.startsWith('.')) continue;
      const full = join(dir, item.name);
      if (item.isDirectory()) {
        if (depth < MAX_DEPTH) await visit(full, depth + 1);
      } else if (item.isFile() && accept(item.name)) {
        const data = await readFile(full);
        out.push({ path: relative(root, full).split(sep).join('/'), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
      }
    }
  };
  await visit(root, 0);
  return out;
}

export async function readBytes(path: string): Promise<Uint8Array> {
  const data = await readFile(path);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
