/**
 * An image folder with one sub-folder per class (the layout of Keras's `image_dataset_from_directory`) → dataset.
 * It takes `{ path, data }` entries, so the browser's folder upload and Node's directory walk feed it alike; the
 * class of a file is the name of the folder it sits in, classes numbered in sorted order as Keras does.
 */
import type { Dataset, DataError, DataResult } from '../types';
import { dataError } from '../types';
import { decodeImage, isGrey, isJpeg, isPng, resizeBilinear, toChannels } from './image-decode';

export interface FileEntry {
  /** Relative path with '/' or '\\' separators, e.g. 'cat/001.png' or 'pets/cat/001.png'. */
  path: string;
  data: Uint8Array;
}

export interface ImageFolderOptions {
  /** Target [height, width]; default: the size of the first image (in path order). */
  size?: [number, number];
  /** 1 (grey) or 3 (RGB); 'auto' (default) picks 1 when every image is grey. */
  channels?: 1 | 3 | 'auto';
  name?: string;
}

/** Files every OS or tool leaves behind in folders; skipped without a word. */
const SYSTEM_FILES = /^(\.ds_store|thumbs\.db|desktop\.ini|\._.*)$/i;

const collator = new Intl.Collator('en', { numeric: true });

export function readImageFolder(entries: readonly FileEntry[], options: ImageFolderOptions = {}): DataResult<Dataset> {
  const warnings: DataError[] = [];
  const errors: DataError[] = [];
  // Each image is shrunk to the target size as soon as it is decoded, so a folder of big photos never sits in
  // memory at full resolution. Under 'auto' channels they are kept as RGB until every image has been seen.
  const keep: 1 | 3 = options.channels === 1 ? 1 : 3;
  const images: { className: string; pixels: Float32Array }[] = [];
  let size: [number, number] | null = options.size ?? null;
  let allGrey = true;
  let resized = 0;
  if (size && !(Number.isInteger(size[0]) && Number.isInteger(size[1]) && size[0] > 0 && size[1] > 0)) {
    return {
      ok: false,
      errors: [
        dataError(
          `the target size (${size[0]}, ${size[1]}) is not two positive integers`,
          'Pass a size such as [28, 28].',
        ),
      ],
    };
  }
  const sorted = [...entries].sort((a, b) => collator.compare(a.path, b.path));
  for (const entry of sorted) {
    const parts = entry.path.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
    const fileName = parts[parts.length - 1] ?? entry.path;
    if (SYSTEM_FILES.test(fileName)) continue;
    if (!isPng(entry.data) && !isJpeg(entry.data)) {
      warnings.push(dataError(`skipped ${entry.path}: not a PNG or JPEG image`, undefined, { file: entry.path }));
      continue;
    }
    if (parts.length < 2) {
      warnings.push(
        dataError(
          `skipped ${entry.path}: it isn't inside a class folder`,
          'Put each image in a sub-folder named after its class, e.g. cat/001.png.',
          { file: entry.path },
        ),
      );
      continue;
    }
    const decoded = decodeImage(entry.data, entry.path);
    if (!decoded.ok) {
      errors.push(...decoded.errors);
      continue;
    }
    const image = decoded.value;
    size ??= [image.height, image.width];
    if (image.height !== size[0] || image.width !== size[1]) resized++;
    if (allGrey && !isGrey(image)) allGrey = false;
    images.push({
      className: parts[parts.length - 2],
      pixels: resizeBilinear(toChannels(image, keep), image.height, image.width, keep, size[0], size[1]),
    });
  }
  if (errors.length) return { ok: false, errors };
  if (images.length === 0 || !size) {
    return {
      ok: false,
      errors: [
        dataError(
          'no PNG or JPEG images were found in class folders',
          'Lay the folder out as <class>/<image>.png, one sub-folder per class.',
        ),
        ...warnings,
      ],
    };
  }
  const classNames = [...new Set(images.map((i) => i.className))].sort((a, b) => collator.compare(a, b));
  if (classNames.length < 2) {
    warnings.push(
      dataError(
        `only one class folder ("${classNames[0]}") was found`,
        'A classifier needs at least two classes: add a sub-folder per class.',
      ),
    );
  }
  const [height, width] = size;
  const channels: 1 | 3 = options.channels === 1 || options.channels === 3 ? options.channels : allGrey ? 1 : 3;
  const per = height * width * channels;
  const x = new Float32Array(images.length * per);
  const y = new Int32Array(images.length);
  const index = new Map(classNames.map((n, k) => [n, k]));
  images.forEach(({ className, pixels }, i) => {
    if (channels === keep) {
      for (let k = 0; k < per; k++) x[i * per + k] = pixels[k] / 255;
    } else {
      // Auto-detected grey: R = G = B in every source pixel, so the resized red channel is the grey image.
      for (let k = 0; k < per; k++) x[i * per + k] = pixels[3 * k] / 255;
    }
    y[i] = index.get(className)!;
  });
  const dataset: Dataset = {
    name: options.name ?? 'images',
    description: `${images.length} images in ${classNames.length} classes (${classNames.join(', ')}), ${height}×${width}, ${channels === 1 ? 'grey' : 'RGB'}${resized ? `; ${resized} resized` : ''}.`,
    x,
    y,
    sampleShape: [height, width, channels],
    numClasses: classNames.length,
    classNames,
    count: images.length,
    normalization: [{ kind: 'rescale', scale: 1 / 255, offset: 0 }],
  };
  return warnings.length ? { ok: true, value: dataset, warnings } : { ok: true, value: dataset };
}
