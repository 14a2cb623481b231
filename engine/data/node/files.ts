/** Reading dataset files from disk for the importers, which only ever see bytes. */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { MAX_DATA_FILE_BYTES, readRegularFile } from '../../node/safe-read';
import type { FileEntry } from '../importers/image-folder';

/** One image in a folder: far above any photo a model is trained on, and a stop for a disk image named .png. */
const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

/** A folder deep enough for `<root>/<split>/<class>/<image>` and then some; deeper is likely a wrong folder. */
const MAX_DEPTH = 6;

/**
 * Every file under `root` with its path relative to it ('cat/001.png'), hidden files and folders left out.
 * Paths use '/' on every OS, as the browser's folder upload gives them. `accept` skips files unread by name.
 */
export async function walkFolder(
  root: string,
  accept: (fileName: string) => boolean = () => true,
): Promise<FileEntry[]> {
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
        const data = await readRegularFile(full, MAX_IMAGE_FILE_BYTES);
        out.push({ path: relative(root, full).split(sep).join('/'), data });
      }
    }
  };
  await visit(root, 0);
  return out;
}

/** A dataset file's bytes: regular files only (a FIFO or /dev/zero is refused), capped before reading. */
export function readBytes(path: string): Promise<Uint8Array> {
  return readRegularFile(path, MAX_DATA_FILE_BYTES);
}
