/**
 * Files on disk for the desktop host: reading a model with the weight shards a TF.js model.json names, finding a
 * file on the command line, and remembering which paths the user chose (the renderer may save only to those).
 * Node only, no electron imports, so it is tested directly.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { HostFile } from '../../renderer/services/host';

export type ReadOutcome = { ok: true; file: HostFile } | { ok: false; message: string };

/** Larger than any model file LayerCanvas can edit; stops a mistaken pick (a disk image) from eating memory. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

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
    return json.weightsManifest.flatMap((group) => (Array.isArray(group?.paths) ? group.paths.filter((p): p is string => typeof p === 'string') : []));
  } catch {
    return [];
  }
}

/** A shard path is honoured only when it stays inside the model's folder (a model.json can't make us read ~/.ssh). */
function insideDir(dir: string, relativePath: string): string | null {
  if (isAbsolute(relativePath)) return null;
  const full = resolve(dir, relativePath);
  const rel = relative(dir, full);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..') ? full : null;
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
    const swap: Record<string, string[]> = { x: ['y', 'Y'], X: ['y', 'Y'], y: ['X', 'x'], Y: ['X', 'x'], features: ['labels'], labels: ['features'] };
    for (const other of swap[npy[1]]) candidates.push(other + npy[2]);
  }
  if (/images([-._])idx3/i.test(name)) candidates.push(name.replace(/images([-._])idx3/i, 'labels$1idx1'));
  if (/labels([-._])idx1/i.test(name)) candidates.push(name.replace(/labels([-._])idx1/i, 'images$1idx3'));
  const found = candidates.map((c) => resolve(dir, c)).find(isFile);
  return found ? [found] : [];
}

export function readHostFile(path: string): ReadOutcome {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { ok: false, message: `${path} is not a file.` };
    size = stat.size;
  } catch (err) {
    return { ok: false, message: `Can't open ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (err as Error).message}.` };
  }
  if (size > MAX_FILE_BYTES) return { ok: false, message: `${basename(path)} is ${(size / 2 ** 30).toFixed(1)} GiB, larger than any model file LayerCanvas reads (1 GiB).` };
  let data: Uint8Array;
  try {
    data = new Uint8Array(readFileSync(path));
  } catch (err) {
    return { ok: false, message: `Can't read ${path}: ${(err as Error).message}.` };
  }
  const file: HostFile = { name: basename(path), path, data };
  if (path.toLowerCase().endsWith('.json')) {
    const dir = dirname(path);
    const siblings: Record<string, Uint8Array> = {};
    for (const shard of weightPaths(new TextDecoder().decode(data))) {
      const full = insideDir(dir, shard);
      // Missing shards are left for the TF.js reader to report, by name.
      if (full && isFile(full)) siblings[shard] = new Uint8Array(readFileSync(full));
    }
    if (Object.keys(siblings).length > 0) file.siblings = siblings;
  }
  const partners = dataPartners(path).filter((p) => statSync(p).size <= MAX_FILE_BYTES);
  if (partners.length > 0) file.siblings = Object.fromEntries(partners.map((p) => [basename(p), new Uint8Array(readFileSync(p))]));
  return { ok: true, file };
}

export const MODEL_EXTENSIONS = ['.layercanvas.json', '.json', '.py', '.keras.json'];

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
