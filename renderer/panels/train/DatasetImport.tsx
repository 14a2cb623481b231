/** The Train tab's import controls: the "Import data…" button, a CSV's label-column pick, and the last import's problem. */
import { useState } from 'react';
import { importedDataset, useDatasets } from '../../stores/datasets';
import { importDatasetFile, pickAndImportDataset } from './import-dataset';

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

/** For an imported CSV: which column holds the label (the file is read again with the new choice). */
export function CsvLabelPicker({ datasetId }: { datasetId: string }) {
  const imported = useDatasets((s) => s.imported);
  const entry = importedDataset(datasetId, imported);
  if (!entry?.csv) return null;
  const { columns, label, source } = entry.csv;
  return (
    <label className="train-field">
      <span>Label column</span>
      <select className="field-input" data-testid="train-csv-label" value={label} onChange={(e) => void importDatasetFile(source, Number(e.target.value))}>
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
