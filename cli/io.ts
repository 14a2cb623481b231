/** Reading a model file from disk for the CLI: the file, and the files beside it a format may ask for. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SideFiles } from '../engine/formats/types';

/** The command line was wrong (a missing file, an unknown option): exit 2. */
export class UsageError extends Error {}

/** The model or data given can't be used (too large, too deep, not a regular file's content): exit 1. */
export class InputError extends Error {}

export function readTextFile(path: string): string {
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  if (statSync(path).isDirectory()) throw new UsageError(`${path} is a folder; give a model file`);
  return readFileSync(path, 'utf8');
}

/** Weight shards and other side files, resolved against the model file's folder and kept inside it. */
export function sideFilesOf(modelPath: string): SideFiles {
  const dir = resolve(dirname(modelPath));
  return {
    read(relativePath) {
      const full = resolve(dir, relativePath);
      if (!full.startsWith(dir) || !existsSync(full)) return undefined;
      return new Uint8Array(readFileSync(full));
    },
  };
}
