/**
 * Reading files a user (or a file a user opened) names, for the CLI, Electron main and the engine host.
 *
 * - Regular files only: a named pipe would block forever, /dev/zero never ends, a folder fails with EISDIR.
 *   The file is opened without blocking and checked with fstat on the open descriptor, so nothing can be swapped
 *   in between the check and the read.
 * - The size is capped before a byte is read.
 * - Side files a model names (TF.js weight shards) stay inside the model's folder: both paths are resolved with
 *   realpath, then compared with path.relative, so `../model-private/x.bin`, absolute paths and symlinks that lead
 *   out are refused. A file named twice is read once, and all of them together are capped.
 */
import fs from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { readableBytes } from '../core/format';
import type { SideFileRead, SideFiles } from '../formats/types';

/** Larger than any model file LayerCanvas can edit; stops a mistaken pick (a disk image) from eating memory. */
export const MAX_MODEL_FILE_BYTES = 1024 ** 3;
/** All the weight shards of one model together. */
export const MAX_SIDE_FILES_BYTES = 1024 ** 3;
/** A dataset file (CSV, .npy, IDX); larger ones are better trained from a script. */
export const MAX_DATA_FILE_BYTES = 2 * 1024 ** 3;

export type RefusalCode = 'missing' | 'not-a-file' | 'too-large' | 'outside' | 'unreadable';

/** A file refused before it was read, with a one-line message that names it. */
export class FileRefusal extends Error {
  constructor(
    message: string,
    readonly code: RefusalCode,
  ) {
    super(message);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

// O_NONBLOCK lets a FIFO with no writer open at once (then fstat refuses it); Windows has no FIFOs to fear.
const OPEN_FLAGS = process.platform === 'win32' ? 'r' : fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

function refusalFor(err: unknown, path: string): FileRefusal {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileRefusal(`${path} does not exist`, 'missing');
  if (code === 'EISDIR') return new FileRefusal(`${path} is a folder, not a file`, 'not-a-file');
  return new FileRefusal(`can't read ${path}: ${(err as Error).message}`, 'unreadable');
}

function checkStat(stat: fs.Stats, path: string, maxBytes: number): number {
  if (!stat.isFile()) return thrown(new FileRefusal(`${path} is ${kindOf(stat)}, not a file`, 'not-a-file'));
  if (stat.size > maxBytes) {
    return thrown(
      new FileRefusal(
        `${basename(path)} is ${readableBytes(stat.size)}, more than the ${readableBytes(maxBytes)} LayerCanvas reads`,
        'too-large',
      ),
    );
  }
  return stat.size;
}

function thrown(e: Error): never {
  throw e;
}

/** The bytes of a regular file of at most `maxBytes`; throws a FileRefusal otherwise. */
export function readRegularFileSync(path: string, maxBytes: number = MAX_MODEL_FILE_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw refusalFor(err, path);
  }
  try {
    const size = checkStat(fs.fstatSync(fd), path, maxBytes);
    const out = new Uint8Array(size);
    let done = 0;
    // A file that shrinks while read ends early; one that grows is read to the size it had.
    while (done < size) {
      const n = fs.readSync(fd, out, done, size - done, null);
      if (n === 0) break;
      done += n;
    }
    return done === size ? out : out.subarray(0, done);
  } catch (err) {
    throw err instanceof FileRefusal ? err : refusalFor(err, path);
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFileSync without blocking the event loop (the engine host must keep answering while it reads). */
export async function readRegularFile(path: string, maxBytes: number = MAX_DATA_FILE_BYTES): Promise<Uint8Array> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, OPEN_FLAGS);
  } catch (err) {
    throw refusalFor(err, path);
  }
  try {
    const size = checkStat(await handle.stat(), path, maxBytes);
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(out, done, Math.min(size - done, 64 * 1024 * 1024), null);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === size ? out : out.subarray(0, done);
  } catch (err) {
    throw err instanceof FileRefusal ? err : refusalFor(err, path);
  } finally {
    await handle.close();
  }
}

/** The UTF-8 text of a regular model file. */
export function readTextFileSync(path: string, maxBytes: number = MAX_MODEL_FILE_BYTES): string {
  return new TextDecoder('utf-8').decode(readRegularFileSync(path, maxBytes));
}

/** Where `relativePath` lands inside `root` (a realpath), or why it may not be read. */
export function containedPath(root: string, relativePath: string): { path: string } | { refused: string } {
  if (relativePath === '' || isAbsolute(relativePath) || /^[a-zA-Z]:|^[\\/]/.test(relativePath)) {
    return { refused: `'${relativePath}' is not a path relative to the model's folder` };
  }
  const full = resolve(root, relativePath);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch (err) {
    // A missing file is for the format to report by name; a path that climbs out is refused even so.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      return { refused: `can't read '${relativePath}': ${(err as Error).message}` };
    real = full;
  }
  const rel = relative(root, real);
  if (rel === '') return { refused: `'${relativePath}' is the model's folder itself, not a weight file` };
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    const how = real === full ? 'is outside' : 'leads (through a symbolic link) outside';
    return {
      refused: `'${relativePath}' ${how} the model's folder; LayerCanvas reads weight files only from beside the model`,
    };
  }
  return { path: real };
}

export interface ModelFolderFiles extends SideFiles {
  /** Bytes read so far, each distinct file counted once. */
  readonly bytesRead: number;
}

/**
 * The files beside a model (`modelPath`'s folder), for formats that name other files. A path outside the folder,
 * a special file or one past the total cap is refused with a message; a missing one reads as undefined.
 */
export function modelFolderFiles(modelPath: string, maxTotalBytes: number = MAX_SIDE_FILES_BYTES): ModelFolderFiles {
  const root = fs.realpathSync(dirname(resolve(modelPath)));
  const cache = new Map<string, Uint8Array>();
  let bytesRead = 0;
  return {
    get bytesRead() {
      return bytesRead;
    },
    read(relativePath: string): SideFileRead {
      const where = containedPath(root, relativePath);
      if ('refused' in where) return where;
      const cached = cache.get(where.path);
      if (cached) return cached;
      let stat: fs.Stats;
      try {
        stat = fs.statSync(where.path);
      } catch {
        return undefined;
      }
      if (!stat.isFile()) return { refused: `'${relativePath}' is ${kindOf(stat)}, not a weight file` };
      if (bytesRead + stat.size > maxTotalBytes) {
        return {
          refused: `the weight files come to more than ${readableBytes(maxTotalBytes)} by '${relativePath}'; LayerCanvas reads at most that much`,
        };
      }
      try {
        const bytes = readRegularFileSync(where.path, maxTotalBytes - bytesRead);
        bytesRead += bytes.byteLength;
        cache.set(where.path, bytes);
        return bytes;
      } catch (err) {
        return { refused: (err as Error).message };
      }
    },
  };
}
