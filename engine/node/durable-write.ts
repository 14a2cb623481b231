/**
 * Durable, faithful saves for every writer on disk: Electron's Save, the CLI's --out, the recent-files list.
 * Node only (engine/node is the engine's one node:fs folder shared by the CLI, Electron main and the engine host).
 *
 * A save resolves symlinks first (the link's target is updated, the link kept), creates its temporary file
 * exclusively beside the target (same file system, so the rename is atomic), keeps the target's mode, writes,
 * fsyncs, renames, then fsyncs the folder so the rename itself survives a power cut. On any error the temporary
 * file is removed and the original is left as it was.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A save refused before anything was written (a folder in the way, a symlink loop); one line, naming the path. */
export class SaveError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const MAX_LINKS = 40;

/**
 * Where a save to `path` really lands: the final target of a symlink chain (dangling links included, so saving
 * through a link to a file not yet written creates that file), or `path` itself, with its folder's links resolved.
 */
export function saveTarget(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return join(realFolder(dirname(current)), basename(current));
    }
    if (!stat.isSymbolicLink()) return join(realFolder(dirname(current)), basename(current));
    current = resolve(dirname(current), fs.readlinkSync(current));
  }
  throw new SaveError(`${path} is a chain of more than ${MAX_LINKS} symbolic links; not saving through it`, 'ELOOP');
}

function realFolder(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new SaveError(`the folder ${dir} does not exist`, 'ENOENT');
    throw err;
  }
}

function targetStat(target: string): fs.Stats | null {
  try {
    return fs.statSync(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Writes `data` to `path` durably and atomically; returns the path actually written (the symlink's target).
 * Throws a SaveError for a refusal, or the system error (with the original untouched) for a failed write.
 */
export function writeFileDurable(path: string, data: Uint8Array | string): string {
  const target = saveTarget(path);
  const existing = targetStat(target);
  if (existing && !existing.isFile()) {
    throw new SaveError(
      `${target} is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}; not writing over it`,
      'EISDIR',
    );
  }
  const dir = dirname(target);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // A new file gets 0666 less the umask, as writeFile would give it; an existing one keeps its own mode.
  const mode = existing ? existing.mode & 0o7777 : 0o666;
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | null = null;
  let created = false;
  try {
    fd = fs.openSync(temp, 'wx', mode);
    created = true;
    if (existing) {
      fs.fchmodSync(fd, mode);
      keepOwner(fd, existing);
    }
    let written = 0;
    while (written < bytes.byteLength) written += fs.writeSync(fd, bytes, written, bytes.byteLength - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, target);
    created = false;
    syncFolder(dir);
  } catch (err) {
    if (fd !== null) closeQuietly(fd);
    if (created) removeQuietly(temp);
    throw err;
  }
  return target;
}

/** Several files that belong together (model.json and its weights): each saved durably, in order. */
export function writeFilesDurable(files: readonly { path: string; data: Uint8Array | string }[]): string[] {
  return files.map((f) => writeFileDurable(f.path, f.data));
}

function keepOwner(fd: number, existing: fs.Stats): void {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return;
  if (existing.uid === process.getuid() && existing.gid === process.getgid?.()) return;
  try {
    fs.fchownSync(fd, existing.uid, existing.gid);
  } catch {
    // Only root may give a file away; anyone else saves it as their own, as every editor does.
  }
}

/** The rename is only durable once the folder entry is on disk. Windows can't open a folder for fsync. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed or invalid: nothing left to release.
  }
}

function removeQuietly(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // Gone already.
  }
}
