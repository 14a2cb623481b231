/**
 * The Train tab's import controls: the "Import data…" and "Import image folder…" buttons, a CSV's label-column pick,
 * an image folder's size, and the last import's problem.
 */
import { useState } from 'react';
import { importedDataset, useDatasets } from '../../stores/datasets';
import { importDatasetFile, pickAndImportDataset } from './import-dataset';
import { describeOptions, importFolder, pickAndImportFolder, type FolderImportOptions } from './import-folder';

export function ImportDataButton({ disabled }: { disabled?: boolean }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      data-testid="train-import-data"
      disabled={disabled || busy}
      title="Train on your own data: a CSV (label in the last column), x.npy with y.npy, or MNIST IDX images with labels. Pick both files of a pair together."
      onClick={() => {
        setBusy(true);
        void pickAndImportDataset().finally(() => setBusy(false));
      }}
    >
      {busy ? 'Reading…' : 'Import data…'}
    </button>
  );
}

/** "Import image folder…": one sub-folder per class, read at the size the model's Input asks for. */
export function ImportFolderButton({ disabled, defaults }: { disabled?: boolean; defaults: FolderImportOptions }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      data-testid="train-import-folder"
      disabled={disabled || busy}
      title={`Train on a folder of PNG or JPEG images with one sub-folder per class (cat/001.png, dog/001.png), as Keras's image_dataset_from_directory reads it. Images are ${describeOptions(defaults)}; change the size after importing.`}
      onClick={() => {
        setBusy(true);
        void pickAndImportFolder(defaults).finally(() => setBusy(false));
      }}
    >
      {busy ? 'Reading…' : 'Import image folder…'}
    </button>
  );
}

/** For an imported image folder: the size and channels its images were read at; a change reads them again. */
export function FolderSizeFields({ datasetId, disabled }: { datasetId: string; disabled?: boolean }) {
  const imported = useDatasets((s) => s.imported);
  const folder = importedDataset(datasetId, imported)?.folder;
  const [draft, setDraft] = useState<{ key: string; h: string; w: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (!folder) return null;
  const key = `${datasetId}:${folder.size.join('x')}`;
  const h = draft?.key === key ? draft.h : String(folder.size[0]);
  const w = draft?.key === key ? draft.w : String(folder.size[1]);
  const valid = (t: string) => /^\d+$/.test(t.trim()) && Number(t) >= 1 && Number(t) <= 4096;
  const reread = (options: FolderImportOptions) => {
    setBusy(true);
    void importFolder({ name: folder.name, files: folder.files }, options).finally(() => setBusy(false));
  };
  const commit = () => {
    if (!valid(h) || !valid(w)) return;
    const size: [number, number] = [Number(h), Number(w)];
    if (size[0] !== folder.size[0] || size[1] !== folder.size[1]) reread({ size, channels: folder.channels });
  };
  const field = (label: string, value: string, testId: string, set: (t: string) => void) => (
    <label className="train-field">
      <span>{label}</span>
      <input
        className={`field-input ${valid(value) ? '' : 'is-invalid'}`}
        data-testid={testId}
        inputMode="numeric"
        value={value}
        disabled={disabled || busy}
        aria-invalid={!valid(value)}
        onChange={(e) => set(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </label>
  );
  return (
    <div
      className="folder-size"
      data-testid="train-folder-size"
      title="Every image is resized (bilinear) to this size when the folder is read; changing it reads the folder again."
    >
      {field('Image height', h, 'train-folder-height', (t) => setDraft({ key, h: t, w }))}
      {field('Width', w, 'train-folder-width', (t) => setDraft({ key, h, w: t }))}
      <label className="train-field">
        <span>Channels</span>
        <select
          className="field-input"
          data-testid="train-folder-channels"
          value={folder.channels}
          disabled={disabled || busy}
          onChange={(e) => reread({ size: folder.size, channels: Number(e.target.value) === 1 ? 1 : 3 })}
        >
          <option value={1}>1 (grey)</option>
          <option value={3}>3 (RGB)</option>
        </select>
      </label>
      {busy ? <span className="folder-size-busy">Reading…</span> : null}
    </div>
  );
}

/** For an imported CSV: which column holds the label (the file is read again with the new choice). */
export function CsvLabelPicker({ datasetId }: { datasetId: string }) {
  const imported = useDatasets((s) => s.imported);
  const entry = importedDataset(datasetId, imported);
  if (!entry?.csv) return null;
  const { columns, label, source } = entry.csv;
  return (
    <label className="train-field">
      <span>Label column</span>
      <select
        className="field-input"
        data-testid="train-csv-label"
        value={label}
        onChange={(e) => void importDatasetFile(source, Number(e.target.value))}
      >
        {columns.map((name, i) => (
          <option key={i} value={i}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ImportProblemView() {
  const problem = useDatasets((s) => s.importProblem);
  if (!problem) return null;
  return (
    <div className="problem-error dataset-import-error" data-testid="train-import-error">
      <div>{problem.message}</div>
      {problem.hint ? <div className="problem-hint">{problem.hint}</div> : null}
      <button type="button" className="link" onClick={() => useDatasets.getState().setImportProblem(null)}>
        Dismiss
      </button>
    </div>
  );
}
