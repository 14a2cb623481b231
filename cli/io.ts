/** Reading a model file from disk for the CLI: the file, and the files beside it a format may ask for. */
import { readdirSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { FormatError } from '../engine/core/problems';
import { recognizeFolder } from '../engine/formats/binary-files';
import type { SideFiles } from '../engine/formats/types';
import { FileRefusal, modelFolderFiles, readRegularFileSync, readTextFileSync } from '../engine/node/safe-read';

/** The command line was wrong (a missing file, an unknown option): exit 2. */
export class UsageError extends Error {}

/** The model or data given can't be used (too large, too deep, malformed beyond reading): exit 1. */
export class InputError extends Error {}

/**
 * A model or input file named on the command line. A path that isn't there, or isn't a regular file (a folder,
 * a named pipe, /dev/zero), is bad usage; a file too large to be a model is bad input.
 */
export function readTextFile(path: string): string {
  return refusalsAsErrors(path, () => readTextFileSync(path));
}

/** A model file's bytes (a .keras or .h5 is binary), refused as readTextFile refuses. */
export function readModelBytes(path: string): Uint8Array {
  return refusalsAsErrors(path, () => readRegularFileSync(path));
}

function refusalsAsErrors<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof FileRefusal)) throw e;
    if (e.code === 'missing') throw new UsageError(`no such file: ${path}`);
    if (e.code === 'not-a-file') throw new UsageError(`${e.message}; give a model file`);
    throw new InputError(e.message);
  }
}

/** Weight shards and other side files, read only from inside the model file's folder (engine/node/safe-read). */
export function sideFilesOf(modelPath: string): SideFiles {
  return modelFolderFiles(modelPath);
}

/** A folder named as the model that is one LayerCanvas can say something about (a SavedModel), else null. */
export function folderModel(path: string): FormatError | null {
  try {
    if (!statSync(path).isDirectory()) return null;
    return recognizeFolder(basename(path), readdirSync(path));
  } catch {
    return null;
  }
}
