/**
 * Files on disk for the desktop host: reading a model with the weight shards a TF.js model.json names, finding a
 * file on the command line, and remembering which paths the user chose (the renderer may save only to those).
 * Node only, no electron imports, so it is tested directly.
 */
import { statSync } from 'node:fs';
import { FileRefusal, MAX_MODEL_FILE_BYTES, modelFolderFiles, readRegularFileSync } from '../../engine/node/safe-read';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { HostFile } from '../../common/host';
import { associatedFileTypes } from '../common/file-types';

export type ReadOutcome = { ok: true; file: HostFile } | { ok: false; message: string };

/** Larger than any model file LayerCanvas can edit; stops a mistaken pick (a disk image) from eating memory. */
export const MAX_FILE_BYTES = MAX_MODEL_FILE_BYTES;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Relative paths a TF.js model.json lists in its weightsManifest; empty for anything else. */
export function weightPaths(text: string): string[] {
  if (!text.includes('weightsManifest')) return [];
  try {
    const json = JSON.parse(text) as { weightsManifest?: { paths?: unknown }[] };
    if (!Array.isArray(json.weightsManifest)) return [];
    return json.weightsManifest.flatMap((group) =>
      Array.isArray(group?.paths) ? group.paths.filter((p): p is string => typeof p === 'string') : [],
    );
  } catch {
    return [];
  }
}

/**
 * The other half of a dataset picked in the open dialog, beside it: y.npy for x.npy (and back), the labels file of
 * an IDX images file (and back). The renderer's browser host gets both from a multi-file pick; the desktop dialog
 * picks one file, so main brings its partner the way `layercanvas train --dataset` finds it.
 */
export function dataPartners(path: string): string[] {
  const dir = dirname(path);
  const name = basename(path);
  const candidates: string[] = [];
  const npy = /^(x|X|y|Y|features|labels)((?:[-_][^/\\]*)?\.npy)$/.exec(name);
  if (npy) {
    const swap: Record<string, string[]> = {
      x: ['y', 'Y'],
      X: ['y', 'Y'],
      y: ['X', 'x'],
      Y: ['X', 'x'],
      features: ['labels'],
      labels: ['features'],
    };
    for (const other of swap[npy[1]]) candidates.push(other + npy[2]);
  }
  if (/images([-._])idx3/i.test(name)) candidates.push(name.replace(/images([-._])idx3/i, 'labels$1idx1'));
  if (/labels([-._])idx1/i.test(name)) candidates.push(name.replace(/labels([-._])idx1/i, 'images$1idx3'));
  const found = candidates.map((c) => resolve(dir, c)).find(isFile);
  return found ? [found] : [];
}

export function readHostFile(path: string): ReadOutcome {
  let data: Uint8Array;
  try {
    data = readRegularFileSync(path, MAX_FILE_BYTES);
  } catch (err) {
    return { ok: false, message: refusalMessage(err, path) };
  }
  const file: HostFile = { name: basename(path), path, data };
  if (path.toLowerCase().endsWith('.json')) {
    // Shards go through the same containment as the CLI's: inside the model's folder, each read once, capped.
    const folder = modelFolderFiles(path);
    const siblings: Record<string, Uint8Array> = {};
    for (const shard of weightPaths(new TextDecoder().decode(data))) {
      const read = folder.read(shard);
      if (read && 'refused' in read) return { ok: false, message: `${basename(path)}: ${read.refused}.` };
      // Missing shards are left for the TF.js reader to report, by name.
      if (read) siblings[shard] = read;
    }
    if (Object.keys(siblings).length > 0) file.siblings = siblings;
  }
  const partners: Record<string, Uint8Array> = {};
  for (const p of dataPartners(path)) {
    try {
      partners[basename(p)] = readRegularFileSync(p, MAX_FILE_BYTES);
    } catch {
      // A partner that can't be read is reported as missing by the dataset reader.
    }
  }
  if (Object.keys(partners).length > 0) file.siblings = partners;
  return { ok: true, file };
}

function refusalMessage(err: unknown, path: string): string {
  if (err instanceof FileRefusal && err.code === 'missing') return `Can't open ${path}: it does not exist.`;
  if (err instanceof FileRefusal && err.code === 'not-a-file') {
    return `${err.message.replace(/, not a file$/, '')}; it is not a file.`;
  }
  return `Can't open ${path}: ${(err as Error).message}.`;
}

/** What a command line may name: the associated types (electron/common/file-types.ts) and the text formats. */
export const MODEL_EXTENSIONS = [
  ...new Set([...associatedFileTypes().map((t) => `.${t.ext}`), '.json', '.py', '.keras.json']),
];

/**
 * The model file named on a command line (first launch or a second instance): the first argument that isn't a
 * switch, isn't the app itself, and is an existing file with a model extension.
 */
export function fileFromArgv(argv: readonly string[], cwd: string, appPath?: string): string | null {
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    const full = resolve(cwd, arg);
    if (appPath && full === resolve(appPath)) continue;
    if (!MODEL_EXTENSIONS.some((ext) => full.toLowerCase().endsWith(ext))) continue;
    if (isFile(full)) return full;
  }
  return null;
}

/**
 * Paths the user picked in a dialog (or opened from outside) this session. "Save" without a dialog is allowed
 * only to one of these, so a compromised page can't write wherever it likes.
 */
export class PathGrants {
  private granted = new Set<string>();
  grant(path: string): void {
    this.granted.add(resolve(path));
  }
  allows(path: string): boolean {
    return isAbsolute(path) && this.granted.has(resolve(path));
  }
}
