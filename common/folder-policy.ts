/**
 * What a host takes from a picked image folder, shared by the browser host (<input webkitdirectory>) and the
 * desktop shell's directory walk (electron/main/folder-logic.ts): images only, at most two levels deep
 * (<class>/<image>), and a cap on the count and the bytes checked before anything is read.
 */
import { MAX_FOLDER_FILES } from '../engine/data/folder-limits';
import type { FolderFile, FolderRefusal, HostFolder } from './host';

export interface FolderLimits {
  maxFiles: number;
  maxBytes: number;
}

/**
 * The desktop passes the files to the engine as structured clones; the browser host frames them as base64 JSON,
 * a third larger, which must stay under the server's WebSocket limit (512 MB) and V8's longest string (~512 M
 * characters), so it takes less.
 */
export const DESKTOP_FOLDER_LIMITS: FolderLimits = { maxFiles: MAX_FOLDER_FILES, maxBytes: 500 * 2 ** 20 };
export const BROWSER_FOLDER_LIMITS: FolderLimits = { maxFiles: MAX_FOLDER_FILES, maxBytes: 256 * 2 ** 20 };

const IMAGE_NAME = /\.(png|jpe?g)$/i;

/** A file the folder import reads: a PNG or JPEG by its extension (the engine checks the bytes again). */
export const isImageName = (name: string): boolean => IMAGE_NAME.test(name) && !name.startsWith('.');

/** `cat/001.png` (depth 2) and `001.png` (depth 1) are kept; deeper files belong to no class the importer knows. */
export const withinDepth = (relativePath: string): boolean => relativePath.split('/').length <= 2;

const sizeText = (bytes: number) =>
  bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;

/** Why a folder is refused before reading it, or null when it is within the limits. */
export function folderRefusal(
  name: string,
  count: number,
  bytes: number,
  limits: FolderLimits,
  countIsPartial = false,
): FolderRefusal | null {
  if (count === 0) {
    return {
      message: `${name} holds no PNG or JPEG images in class folders`,
      hint: `Lay the folder out as ${name}/<class>/<image>.png, one sub-folder per class.`,
    };
  }
  if (count > limits.maxFiles) {
    return {
      message: `${name} holds ${countIsPartial ? 'more than ' : ''}${(countIsPartial ? limits.maxFiles : count).toLocaleString('en-US')} images; LayerCanvas imports at most ${limits.maxFiles.toLocaleString('en-US')} from a folder`,
      hint: 'Pick a folder with fewer images (a sample of each class), or train on it from the command line: layercanvas train --dataset <folder>.',
    };
  }
  if (bytes > limits.maxBytes) {
    return {
      message: `${name}'s images take ${sizeText(bytes)}; LayerCanvas imports at most ${sizeText(limits.maxBytes)} from a folder`,
      hint: 'Pick a folder with fewer or smaller images, or train on it from the command line: layercanvas train --dataset <folder>.',
    };
  }
  return null;
}

/** What the browser gives for each file of an <input webkitdirectory> pick (a File has all of it). */
export interface PickedFile {
  name: string;
  size: number;
  /** `pets/cat/001.png`: the picked folder's own name first. */
  webkitRelativePath: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * The files of a folder picked in the browser as a HostFolder: the top folder's name dropped from every path (the
 * desktop walk gives paths relative to the folder too), non-images and deeper files left out unread.
 */
export async function folderFromPicked(
  picked: readonly PickedFile[],
  limits: FolderLimits = BROWSER_FOLDER_LIMITS,
): Promise<HostFolder | null> {
  if (picked.length === 0) return null;
  const split = picked.map((f) => {
    const parts = (f.webkitRelativePath || f.name).split('/');
    return {
      file: f,
      top: parts.length > 1 ? parts[0] : '',
      path: parts.length > 1 ? parts.slice(1).join('/') : parts[0],
    };
  });
  const name = split.find((s) => s.top)?.top ?? 'folder';
  const images = split.filter((s) => isImageName(s.file.name) && withinDepth(s.path));
  const refused = folderRefusal(
    name,
    images.length,
    images.reduce((sum, s) => sum + s.file.size, 0),
    limits,
  );
  if (refused) return { name, files: [], refused };
  const files: FolderFile[] = [];
  for (const s of images) files.push({ path: s.path, data: new Uint8Array(await s.file.arrayBuffer()) });
  return { name, files };
}
