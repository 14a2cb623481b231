/**
 * `loadDataset(spec)`: what `--dataset` and the training panel's "open" hand the trainer. A spec is a built-in id
 * (mnist, shapes, spirals, circles, xor, reviews) or a path: a CSV file, an .npy file with its partner (x.npy → y.npy), an
 * IDX images file with its labels file, or a folder (of x.npy + y.npy, of IDX files, or of class sub-folders of
 * images). Files are told apart by their first bytes; the name only finds partners. A built-in id wins over a
 * file of the same name in the working folder: write ./mnist for the file.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { subset } from '../dataset';
import { readCsv, type CsvOptions } from '../importers/csv';
import { maybeGunzip } from '../importers/gzip';
import { isJpeg, isPng } from '../importers/image-decode';
import { readImageFolder } from '../importers/image-folder';
import { readIdx } from '../importers/idx';
import { isNpy } from '../importers/npy';
import { readNpyPair } from '../importers/npy-pair';
import type { GenerateOptions } from '../registry';
import { BUILTIN_DATASETS, builtinInfo, generateBuiltin } from '../registry';
import type { Dataset, DataError, DataResult } from '../types';
import { dataError, failure } from '../types';
import { FileRefusal } from '../../node/safe-read';
import { readBytes, walkFolder } from './files';
import { loadMnist } from './mnist-files';

export interface LoadedDataset {
  /** The data to train on (split off validation from it as needed). */
  train: Dataset;
  /** A held-out test split, when the source has one (MNIST, a t10k IDX pair). */
  test?: Dataset;
}

export interface LoadOptions extends GenerateOptions {
  /** Keep only the first n training samples, for quick runs. */
  subset?: number;
  /** For CSV files. */
  label?: CsvOptions['label'];
  header?: CsvOptions['header'];
  task?: CsvOptions['task'];
  /** For image folders: [height, width] and channels. */
  imageSize?: [number, number];
  channels?: 1 | 3 | 'auto';
}

const IMAGE_FILE = /\.(png|jpe?g)$/i;
const IDX_IMAGES = /images[-._]idx3[-._]ubyte(\.gz)?$/i;
const IDX_LABELS = /labels[-._]idx1[-._]ubyte(\.gz)?$/i;

const ok = (value: LoadedDataset, warnings?: DataError[]): DataResult<LoadedDataset> =>
  warnings?.length ? { ok: true, value, warnings } : { ok: true, value };

function cut(loaded: LoadedDataset, n: number | undefined): LoadedDataset {
  return n === undefined || n >= loaded.train.count ? loaded : { ...loaded, train: subset(loaded.train, n) };
}

async function exists(path: string): Promise<'file' | 'folder' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/** The labels file of an IDX images file, or the other way round, beside it. */
function idxPartner(file: string): string | null {
  const name = basename(file);
  if (IDX_IMAGES.test(name)) return join(dirname(file), name.replace(/images([-._])idx3/i, 'labels$1idx1'));
  if (IDX_LABELS.test(name)) return join(dirname(file), name.replace(/labels([-._])idx1/i, 'images$1idx3'));
  return null;
}

/** x.npy ↔ y.npy, X_train.npy ↔ y_train.npy, features.npy ↔ labels.npy: the partner that exists, either case. */
async function npyPartners(file: string): Promise<{ x: string; y: string } | null> {
  const name = basename(file);
  const dir = dirname(file);
  const swaps: [RegExp, string[], RegExp, string[]][] = [
    [/^x(?=[-_.])/i, ['y', 'Y'], /^y(?=[-_.])/i, ['X', 'x']],
    [/^features(?=[-_.])/i, ['labels'], /^labels(?=[-_.])/i, ['features']],
  ];
  const pick = async (re: RegExp, names: string[]) => {
    const candidates = names.map((n) => join(dir, name.replace(re, n)));
    for (const c of candidates) if ((await exists(c)) === 'file') return c;
    return candidates[0];
  };
  for (const [xRe, yNames, yRe, xNames] of swaps) {
    if (xRe.test(name)) return { x: file, y: await pick(xRe, yNames) };
    if (yRe.test(name)) return { x: await pick(yRe, xNames), y: file };
  }
  return null;
}

async function loadIdxPair(images: string, labels: string, name: string): Promise<DataResult<Dataset>> {
  if ((await exists(labels)) !== 'file') {
    return failure(
      dataError(
        `the labels file ${basename(labels)} is not beside ${basename(images)}`,
        'Keep the IDX images and labels files of a split in one folder.',
        { file: labels },
      ),
    );
  }
  return readIdx(await readBytes(images), await readBytes(labels), { name, imagesFile: images, labelsFile: labels });
}

async function loadNpy(x: string, y: string, options: LoadOptions): Promise<DataResult<LoadedDataset>> {
  if ((await exists(x)) !== 'file' || (await exists(y)) !== 'file') {
    const missing = (await exists(x)) === 'file' ? y : x;
    return failure(
      dataError(
        `${basename(missing)} is missing: a dataset from .npy needs the features and the labels`,
        `Save both beside each other: np.save("${basename(x)}", x); np.save("${basename(y)}", y).`,
        { file: missing },
      ),
    );
  }
  const r = readNpyPair(await readBytes(x), await readBytes(y), {
    name: basename(dirname(x)) || 'arrays',
    xFile: x,
    yFile: y,
    task: options.task,
  });
  return r.ok ? ok(cut({ train: r.value }, options.subset)) : r;
}

async function loadFolder(folder: string, options: LoadOptions): Promise<DataResult<LoadedDataset>> {
  const names = await readdir(folder);
  if (names.includes('x.npy') && names.includes('y.npy'))
    return loadNpy(join(folder, 'x.npy'), join(folder, 'y.npy'), options);
  const idxImages = names.filter((n) => IDX_IMAGES.test(n)).sort();
  if (idxImages.length) {
    const trainName = idxImages.find((n) => /^train/i.test(n)) ?? idxImages[0];
    const train = await loadIdxPair(
      join(folder, trainName),
      idxPartner(join(folder, trainName))!,
      `${basename(folder)} (train)`,
    );
    if (!train.ok) return train;
    const testName = idxImages.find((n) => n !== trainName && /^(t10k|test)/i.test(n));
    if (!testName) return ok(cut({ train: train.value }, options.subset));
    const test = await loadIdxPair(
      join(folder, testName),
      idxPartner(join(folder, testName))!,
      `${basename(folder)} (test)`,
    );
    if (!test.ok) return test;
    return ok(cut({ train: train.value, test: test.value }, options.subset));
  }
  // Keras-style <root>/train/<class>/… and <root>/test/<class>/…: two splits with the same classes.
  const trainDir = names.find((n) => n.toLowerCase() === 'train');
  const testDir = names.find((n) => ['test', 'val', 'validation'].includes(n.toLowerCase()));
  if (
    trainDir &&
    testDir &&
    (await exists(join(folder, trainDir))) === 'folder' &&
    (await exists(join(folder, testDir))) === 'folder'
  ) {
    const train = await loadImages(join(folder, trainDir), `${basename(folder)} (train)`, options);
    if (!train.ok) return train;
    const test = await loadImages(join(folder, testDir), `${basename(folder)} (test)`, {
      ...options,
      imageSize: options.imageSize ?? [train.value.sampleShape[0], train.value.sampleShape[1]],
      channels: options.channels ?? (train.value.sampleShape[2] as 1 | 3),
    });
    if (!test.ok) return test;
    const same = JSON.stringify(train.value.classNames) === JSON.stringify(test.value.classNames);
    if (!same) {
      return failure(
        dataError(
          `the train classes (${train.value.classNames?.join(', ')}) differ from the ${testDir} classes (${test.value.classNames?.join(', ')})`,
          `Give ${trainDir}/ and ${testDir}/ the same class sub-folders.`,
          { file: join(folder, testDir) },
        ),
      );
    }
    return ok(cut({ train: train.value, test: test.value }, options.subset), [
      ...(train.warnings ?? []),
      ...(test.warnings ?? []),
    ]);
  }
  const r = await loadImages(folder, basename(folder), options);
  return r.ok ? ok(cut({ train: r.value }, options.subset), r.warnings) : r;
}

async function loadImages(folder: string, name: string, options: LoadOptions): Promise<DataResult<Dataset>> {
  const entries = await walkFolder(folder, (n) => IMAGE_FILE.test(n));
  return readImageFolder(entries, { name, size: options.imageSize, channels: options.channels });
}

async function loadFile(file: string, options: LoadOptions): Promise<DataResult<LoadedDataset>> {
  // A .gz of any of these (mnist_train.csv.gz) is read through; IDX files un-gzip their own pair.
  const unzipped = await maybeGunzip(await readBytes(file), file);
  if (!unzipped.ok) return unzipped;
  const bytes = unzipped.value;
  const name = basename(file.replace(/\.gz$/i, ''), extname(file.replace(/\.gz$/i, '')));
  if (isNpy(bytes)) {
    const pair = await npyPartners(file);
    if (!pair) {
      return failure(
        dataError(
          `${basename(file)} holds one array, but a dataset needs features and labels`,
          'Name the pair x.npy and y.npy (or X_train.npy and y_train.npy) and pass either one, or their folder.',
          { file },
        ),
      );
    }
    return loadNpy(pair.x, pair.y, options);
  }
  const partner = idxPartner(file);
  if (partner || (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0x08)) {
    if (!partner) {
      return failure(
        dataError(
          `${basename(file)} looks like an IDX file but its name doesn't say whether it holds images or labels`,
          'Keep the MNIST names, e.g. train-images-idx3-ubyte and train-labels-idx1-ubyte.',
          { file },
        ),
      );
    }
    const [images, labels] = IDX_IMAGES.test(basename(file)) ? [file, partner] : [partner, file];
    const r = await loadIdxPair(images, labels, name);
    return r.ok ? ok(cut({ train: r.value }, options.subset)) : r;
  }
  if (isPng(bytes) || isJpeg(bytes)) {
    return failure(
      dataError(
        `${basename(file)} is a single image, not a dataset`,
        'Pass the folder that holds one sub-folder of images per class.',
        { file },
      ),
    );
  }
  const r = readCsv(bytes, { name, label: options.label, header: options.header, task: options.task });
  if (!r.ok) return { ok: false, errors: r.errors.map((e) => ({ ...e, file })) };
  return ok(cut({ train: r.value }, options.subset));
}

export async function loadDataset(spec: string, options: LoadOptions = {}): Promise<DataResult<LoadedDataset>> {
  const info = builtinInfo(spec);
  if (info?.id === 'mnist') {
    const r = await loadMnist({ subset: options.subset });
    return r.ok ? ok({ train: r.value.train, test: r.value.test }) : r;
  }
  if (info) {
    const generated = generateBuiltin(info.id, options);
    if (generated) return ok(cut({ train: generated }, options.subset));
  }
  const kind = await exists(spec);
  if (!kind) {
    return failure(
      dataError(
        `"${spec}" is neither a built-in dataset nor a file or folder`,
        `Built-in datasets: ${BUILTIN_DATASETS.map((d) => d.id).join(', ')}; or give the path of a CSV, .npy, IDX file or an image folder.`,
      ),
    );
  }
  try {
    return kind === 'folder' ? await loadFolder(spec, options) : await loadFile(spec, options);
  } catch (err) {
    if (err instanceof FileRefusal) {
      return failure(dataError(err.message, 'Give a CSV, .npy or IDX file, or a folder of images.', { file: spec }));
    }
    return failure(
      dataError(`can't read ${spec}: ${(err as Error).message}`, 'Check that the file exists and is readable.', {
        file: spec,
      }),
    );
  }
}
