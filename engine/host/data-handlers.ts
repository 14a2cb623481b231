/**
 * Datasets over the protocol: `samples` answers a window of a built-in dataset (preview grids, the Predict tab's
 * sample picker); `dataset-import` reads a file the user picked (CSV, an x/y .npy pair, an IDX images/labels pair)
 * into a dataset the renderer keeps and later trains on `inline`. Reading happens here, not in the page, so a big
 * CSV never blocks the UI.
 */
import { loadDataset } from '../data/node/load';
import { detectDelimiter, parseCsvCells } from '../data/importers/csv-parse';
import { readCsv } from '../data/importers/csv';
import { maybeGunzip } from '../data/importers/gzip';
import { parseIdx, readIdx } from '../data/importers/idx';
import { isJpeg, isPng } from '../data/importers/image-decode';
import { isNpy } from '../data/importers/npy';
import { readNpyPair } from '../data/importers/npy-pair';
import type { Dataset, DataError, DataResult } from '../data/types';
import { dataError } from '../data/types';
import type { HandlerContext, HandlerOutcome } from './handler-context';
import { CANCELLED, yieldToEvents } from './handler-context';
import type { DatasetImportOutcome, ParsedPayloadOf } from '../api/protocol';
import { sampleWindow, type SampleWindow, type Split } from '../data/samples';

/** Generated datasets are made once per process: a preview and the next page of it must show the same samples. */
const loaded = new Map<string, Promise<DataResult<{ train: Dataset; test?: Dataset }>>>();

function loadBuiltin(id: string): Promise<DataResult<{ train: Dataset; test?: Dataset }>> {
  let entry = loaded.get(id);
  if (!entry) {
    entry = loadDataset(id);
    loaded.set(id, entry);
    // A failed load (MNIST's package missing) may succeed later: don't keep it.
    void entry.then((r) => {
      if (!r.ok) loaded.delete(id);
    });
  }
  return entry;
}

export async function samplesHandler(payload: ParsedPayloadOf<'samples'>): Promise<HandlerOutcome<SampleWindow>> {
  const r = await loadBuiltin(payload.dataset);
  if (!r.ok) return { error: { code: 'bad-dataset', message: r.errors[0].message, hint: r.errors[0].hint } };
  const splits: Split[] = r.value.test ? ['train', 'test'] : ['train'];
  const split = payload.split ?? 'train';
  const data = split === 'test' ? r.value.test : r.value.train;
  if (!data) {
    return {
      error: {
        code: 'no-split',
        message: `the ${payload.dataset} dataset has no test split`,
        hint: "Ask for split 'train'; only MNIST comes with a held-out test split.",
      },
    };
  }
  if (payload.offset >= data.count) {
    return {
      error: {
        code: 'out-of-range',
        message: `offset ${payload.offset} is past the end of ${payload.dataset} (${split}), which holds ${data.count} samples`,
        hint: `Ask for an offset from 0 to ${data.count - 1}.`,
      },
    };
  }
  return sampleWindow(data, split, splits, payload.offset, payload.count);
}

const IDX_IMAGES = /images[-._]idx3[-._]ubyte/i;
const IDX_LABELS = /labels[-._]idx1[-._]ubyte/i;
const X_NAME = /^(x|features)(?=[-_.])/i;
const Y_NAME = /^(y|labels|targets)(?=[-_.])/i;

const stem = (name: string) => name.replace(/\.gz$/i, '').replace(/\.[^.]+$/, '');
const fail = (...errors: DataError[]): DatasetImportOutcome => ({ ok: false, errors });

/** Column names of a CSV's first row, when it has a header (the same test readCsv applies: its featureNames). */
function csvColumns(bytes: Uint8Array): string[] {
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 64 * 1024));
  const end = head.search(/\r?\n/);
  const first = end < 0 ? head : head.slice(0, end);
  const { rows } = parseCsvCells(first, detectDelimiter(head));
  return rows[0]?.map((c) => c.text.trim()) ?? [];
}

async function importNpy(files: Map<string, Uint8Array>, main: string): Promise<DatasetImportOutcome> {
  const npys = [...files.keys()].filter((n) => isNpy(files.get(n)!));
  const x = npys.find((n) => X_NAME.test(n)) ?? (Y_NAME.test(main) ? undefined : main);
  const y = npys.find((n) => n !== x && Y_NAME.test(n)) ?? npys.find((n) => n !== x);
  if (!x || !y) {
    return fail(
      dataError(
        `${main} holds one array, but a dataset needs the features and the labels`,
        'Pick both files together in the dialog (e.g. x.npy and y.npy): hold Ctrl or Shift to select the second one.',
        { file: main },
      ),
    );
  }
  const r = readNpyPair(files.get(x)!, files.get(y)!, { name: stem(x), xFile: x, yFile: y });
  return r.ok ? { ok: true, dataset: r.value, warnings: r.warnings ?? [] } : fail(...r.errors);
}

async function importIdx(files: Map<string, Uint8Array>, main: string): Promise<DatasetImportOutcome> {
  const names = [...files.keys()];
  const dims = new Map<string, number>();
  for (const n of names) {
    const parsed = parseIdx(files.get(n)!, n);
    if (parsed.ok) dims.set(n, parsed.value.dims.length);
  }
  const images = names.filter((n) => IDX_IMAGES.test(n) || (!IDX_LABELS.test(n) && (dims.get(n) ?? 0) >= 2));
  const labels = names.filter((n) => IDX_LABELS.test(n) || (!IDX_IMAGES.test(n) && dims.get(n) === 1));
  const train = images.find((n) => /^train/i.test(n)) ?? images.find((n) => !/^(t10k|test)/i.test(n)) ?? images[0];
  const partner = (img: string) =>
    labels.find((l) => l === img.replace(/images([-._])idx3/i, 'labels$1idx1')) ??
    (labels.length === 1 ? labels[0] : undefined);
  if (!train || !partner(train)) {
    const missing = train ? 'labels' : 'images';
    return fail(
      dataError(
        `${main} needs its ${missing} file: an IDX dataset is an images file and a labels file`,
        'Pick both together in the dialog (e.g. train-images-idx3-ubyte and train-labels-idx1-ubyte).',
        { file: main },
      ),
    );
  }
  const r = await readIdx(files.get(train)!, files.get(partner(train)!)!, {
    name: stem(train).replace(/[-._]images[-._]idx3[-._]ubyte$/i, '') || 'IDX',
    imagesFile: train,
    labelsFile: partner(train),
  });
  if (!r.ok) return fail(...r.errors);
  const testName = images.find((n) => n !== train && /^(t10k|test)/i.test(n));
  const testLabels = testName
    ? labels.find((l) => l === testName.replace(/images([-._])idx3/i, 'labels$1idx1'))
    : undefined;
  if (testName && testLabels) {
    const t = await readIdx(files.get(testName)!, files.get(testLabels)!, {
      name: `${r.value.name} (test)`,
      imagesFile: testName,
      labelsFile: testLabels,
    });
    if (!t.ok) return fail(...t.errors);
    return { ok: true, dataset: r.value, test: t.value, warnings: [] };
  }
  return { ok: true, dataset: r.value, warnings: [] };
}

export async function datasetImportHandler(
  payload: ParsedPayloadOf<'dataset-import'>,
  ctx: HandlerContext,
): Promise<HandlerOutcome<DatasetImportOutcome>> {
  ctx.progress({ fraction: 0.1, message: `Reading ${payload.name}` });
  // Every file un-gzip'd first: MNIST ships as *.gz, and a .csv.gz is common.
  const files = new Map<string, Uint8Array>();
  for (const [name, bytes] of [[payload.name, payload.data] as const, ...Object.entries(payload.siblings ?? {})]) {
    const r = await maybeGunzip(bytes, name);
    if (!r.ok) return fail(...r.errors);
    files.set(name.replace(/\.gz$/i, ''), r.value);
  }
  await yieldToEvents();
  if (ctx.signal.aborted) return { error: CANCELLED };
  const main = payload.name.replace(/\.gz$/i, '');
  const bytes = files.get(main)!;
  let outcome: DatasetImportOutcome;
  if (isNpy(bytes)) outcome = await importNpy(files, main);
  else if (
    IDX_IMAGES.test(main) ||
    IDX_LABELS.test(main) ||
    (bytes[0] === 0 && bytes[1] === 0 && bytes[2] >= 0x08 && bytes[2] <= 0x0e)
  )
    outcome = await importIdx(files, main);
  else if (isPng(bytes) || isJpeg(bytes)) {
    outcome = fail(
      dataError(
        `${main} is a single image, not a dataset`,
        'Import a CSV, an x.npy/y.npy pair or MNIST IDX files here; for a folder of images with one sub-folder per class, use "Import image folder…" (or layercanvas train --dataset <folder>).',
        { file: main },
      ),
    );
  } else {
    const columns = csvColumns(bytes);
    const r = readCsv(bytes, { name: stem(main), label: payload.label, header: payload.header });
    if (!r.ok) outcome = fail(...r.errors.map((e) => ({ ...e, file: main })));
    else {
      // readCsv found a header exactly when it named the features; then the first row's cells are the columns.
      const named = r.value.featureNames ? columns : [];
      const label =
        typeof payload.label === 'string'
          ? named.indexOf(payload.label)
          : (payload.label ?? -1) < 0
            ? columns.length + (payload.label ?? -1)
            : payload.label!;
      outcome = {
        ok: true,
        dataset: r.value,
        warnings: r.warnings ?? [],
        csv: { columns: named.length ? named : columns.map((_, i) => `column ${i + 1}`), label },
      };
    }
  }
  ctx.progress({ fraction: 1, message: `Read ${payload.name}` });
  return outcome;
}
