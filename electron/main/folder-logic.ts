/**
 * An image folder picked in the desktop dialog, read for a dataset import: <folder>/<class>/<image>, images only
 * by extension, symbolic links never followed (a link in a downloaded dataset must not make us read ~/.ssh), and
 * the count and total size checked before a byte is read. Node only, no electron imports, so it is tested directly.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { readRegularFileSync } from '../../engine/node/safe-read';
import { basename, join } from 'node:path';
import { DESKTOP_FOLDER_LIMITS, folderRefusal, isImageName, type FolderLimits } from '../../common/folder-policy';
import type { HostFolder } from '../../common/host';

interface Found {
  /** Relative to the picked folder, '/'-separated. */
  path: string;
  full: string;
  size: number;
}

/** Image files at depth 1 and 2 (<image>, <class>/<image>); links and unreadable entries are skipped. */
function walk(root: string, limits: FolderLimits): Found[] {
  const found: Found[] = [];
  const visit = (dir: string, prefix: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      // Stop counting past the cap: the refusal needs only "more than", not a walk of a whole disk.
      if (found.length > limits.maxFiles) return;
      if (entry.isSymbolicLink()) continue;
      const full = join(dir, entry.name);
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory() && depth < 2 && !entry.name.startsWith('.')) visit(full, path, depth + 1);
      else if (entry.isFile() && isImageName(entry.name)) {
        try {
          found.push({ path, full, size: lstatSync(full).size });
        } catch {
          // Gone between the listing and the stat: nothing to import.
        }
      }
    }
  };
  visit(root, '', 1);
  return found;
}

export function readImageFolderFiles(root: string, limits: FolderLimits = DESKTOP_FOLDER_LIMITS): HostFolder {
  const name = basename(root) || root;
  let kind: 'folder' | 'link' | 'other' = 'other';
  try {
    const stat = lstatSync(root);
    kind = stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'folder' : 'other';
  } catch {
    // Reported below as a folder that can't be read.
  }
  if (kind !== 'folder') {
    const why =
      kind === 'link'
        ? 'is a symbolic link, which LayerCanvas does not follow'
        : 'is not a folder LayerCanvas can read';
    return {
      name,
      files: [],
      refused: {
        message: `${root} ${why}`,
        hint: 'Pick the folder itself, the one that holds one sub-folder per class.',
      },
    };
  }
  const found = walk(root, limits);
  const refused = folderRefusal(
    name,
    found.length,
    found.reduce((sum, f) => sum + f.size, 0),
    limits,
    found.length > limits.maxFiles,
  );
  if (refused) return { name, files: [], refused };
  const files: HostFolder['files'] = [];
  let total = 0;
  for (const f of found) {
    let data: Uint8Array;
    try {
      // A regular file still (not swapped for a pipe since the walk), and never past what the cap leaves.
      data = readRegularFileSync(f.full, limits.maxBytes - total);
    } catch (err) {
      return {
        name,
        files: [],
        refused: {
          message: `Can't read ${name}/${f.path}: ${(err as Error).message}`,
          hint: 'Check the file permissions, or leave the file out of the folder.',
        },
      };
    }
    // A file that grew since it was listed still counts against the cap.
    total += data.byteLength;
    if (total > limits.maxBytes) return { name, files: [], refused: folderRefusal(name, found.length, total, limits)! };
    files.push({ path: f.path, data });
  }
  return { name, files };
}
