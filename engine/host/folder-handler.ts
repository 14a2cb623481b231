/**
 * `dataset-import-folder`: an image folder the user picked in the app (one sub-folder per class) → a dataset the
 * renderer keeps and trains on `inline`, as `layercanvas train --dataset <folder>` reads it from disk. The files
 * arrive in the message because the browser host has no paths, only the bytes of an <input webkitdirectory>.
 */
import { permutation, take } from '../data/dataset';
import { readImageFolder } from '../data/importers/image-folder';
import { dataError, type DataError } from '../data/types';
import type { HandlerContext, HandlerOutcome } from './handler-context';
import { CANCELLED, yieldToEvents } from './handler-context';
import type { DatasetImportOutcome, ParsedPayloadOf } from '../api/protocol';

/**
 * The largest pixel array an import may make (float32). The arrays go back to the page and on to training in one
 * message; beyond this a JSON-framed transport (the browser host) can't carry them and training in JS would crawl.
 */
export const MAX_DATASET_BYTES = 256 * 1024 * 1024;

/** Keras's image_dataset_from_directory shuffles by default; without it a subset or the preview would be one class. */
const DEFAULT_SEED = 1337;

const fail = (...errors: DataError[]): DatasetImportOutcome => ({ ok: false, errors });

export async function folderImportHandler(
  payload: ParsedPayloadOf<'dataset-import-folder'>,
  ctx: HandlerContext,
): Promise<HandlerOutcome<DatasetImportOutcome>> {
  ctx.progress({ fraction: 0.05, message: `Reading ${payload.files.length} files of ${payload.name}` });
  await yieldToEvents();
  if (ctx.signal.aborted) return { error: CANCELLED };
  if (payload.size) {
    // Checked before decoding: a huge target size would allocate the whole array only to be refused.
    const [h, w] = payload.size;
    const bytes = payload.files.length * h * w * (payload.channels ?? 3) * 4;
    if (bytes > MAX_DATASET_BYTES) return fail(tooBig(payload.files.length, h, w, bytes));
  }
  const read = readImageFolder(payload.files, {
    name: payload.name,
    ...(payload.size ? { size: payload.size } : {}),
    channels: payload.channels ?? 'auto',
  });
  if (ctx.signal.aborted) return { error: CANCELLED };
  if (!read.ok) return fail(...read.errors);
  const dataset = read.value;
  const classes = dataset.classNames ?? [];
  if (classes.length < 2) {
    const only = classes[0] ?? '';
    return fail(
      dataError(
        `the only class folder is "${only}": a classifier needs at least two`,
        `Put each class's images in its own sub-folder of ${payload.name}, e.g. ${only || 'cat'}/001.png and ${only === 'dog' ? 'cat' : 'dog'}/001.png.`,
        { file: only },
      ),
    );
  }
  if (dataset.x.byteLength > MAX_DATASET_BYTES) {
    const [h, w] = dataset.sampleShape;
    return fail(tooBig(dataset.count, h, w, dataset.x.byteLength));
  }
  ctx.progress({ fraction: 0.9, message: `Shuffling ${dataset.count} images` });
  const shuffled = { ...take(dataset, permutation(dataset.count, payload.seed ?? DEFAULT_SEED)), name: payload.name };
  // readImageFolder's warnings (skipped files) keep the file they are about.
  return { ok: true, dataset: shuffled, warnings: read.warnings ?? [] };
}

function tooBig(count: number, h: number, w: number, bytes: number): DataError {
  return dataError(
    `${count} images at ${h}×${w} would take ${Math.round(bytes / 2 ** 20)} MB as float32, more than the ${MAX_DATASET_BYTES / 2 ** 20} MB an import may hold`,
    'Pick a smaller image size (the Input of a small CNN is often 28×28 or 32×32) or a folder with fewer images.',
  );
}
