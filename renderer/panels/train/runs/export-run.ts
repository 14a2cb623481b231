/**
 * A run's trained weights out of the app, with the graph it trained (its snapshot, not the canvas as it is now):
 * a .keras or legacy .h5 file, ONNX, weights JSON, TF.js, or Keras Python that builds the model and loads the
 * weights JSON beside it.
 */
import type { ModelDocument } from '../../../../engine/api/graph';
import { exportTfjsFiles, saveTrainingScript } from '../../../actions/document-actions';
import { getHost } from '../../../services/host-instance';
import type { TrainingRun } from '../../../stores/training';
import { useUi } from '../../../stores/ui';

const formats = () => import('../../../actions/formats');

export type RunExportKind = 'keras' | 'h5' | 'onnx' | 'weights-json' | 'tfjs' | 'keras-py' | 'keras-train';

/** The exports of a run that are one file with its weights inside. */
const SINGLE_FILE: Partial<Record<RunExportKind, { name: string; extensions: string[] }>> = {
  keras: { name: 'Keras model', extensions: ['keras'] },
  h5: { name: 'Keras HDF5 model (tf.keras 2)', extensions: ['h5'] },
  onnx: { name: 'ONNX model', extensions: ['onnx'] },
};

/** The run's snapshot with its trained weights: what every export of the run writes. */
export function trainedDocument(run: Pick<TrainingRun, 'document' | 'weights'>): ModelDocument {
  return { ...run.document, weights: run.weights };
}

/** `mlp-run-3`: the model's name (made file-safe) and the run's number. */
export function runFileBase(run: Pick<TrainingRun, 'document' | 'number'>): string {
  const name = run.document.name.replace(/[^\w.-]+/g, '_').replace(/^[._]+|[._]+$/g, '') || 'model';
  return `${name}-run-${run.number}`;
}

/** The folder of a saved file's path (empty where the host gives no paths, as the browser's downloads). */
const folderOf = (path: string | undefined) => (path ? path.replace(/[^/\\]*$/, '') : '');

export async function exportRun(run: TrainingRun, kind: RunExportKind): Promise<void> {
  const notify = useUi.getState().notify;
  if (!run.weights) {
    notify(`Run #${run.number} has no trained weights to export`, 'error');
    return;
  }
  const doc = trainedDocument(run);
  if (kind === 'tfjs') return exportTfjsFiles(doc);
  // The run's own settings (dataset, optimizer, batch, epochs, seed…), for one machine; --strategy picks another.
  if (kind === 'keras-train') return saveTrainingScript(doc, run.config, 'default', `${runFileBase(run)}-train`);
  const { exportModel } = await formats();
  const base = runFileBase(run);
  const single = SINGLE_FILE[kind];
  if (single && (kind === 'keras' || kind === 'h5' || kind === 'onnx')) {
    const out = await exportModel(doc, kind, { baseName: base });
    if (!out.ok) return notify(`${out.message} (${out.hint})`, 'error');
    const [file] = out.files;
    const saved = await getHost().saveFile({ suggestedName: file.name, data: file.data, filters: [single] });
    if (saved) notify(`Exported run #${run.number} to ${saved.name}`);
    return;
  }
  const weightsOut = await exportModel(doc, 'weights-json', { baseName: base });
  if (!weightsOut.ok) {
    notify(`${weightsOut.message} (${weightsOut.hint})`, 'error');
    return;
  }
  const [weightsFile] = weightsOut.files;
  const weights = await getHost().saveFile({
    suggestedName: weightsFile.name,
    data: weightsFile.data,
    filters: [{ name: 'Weights JSON', extensions: ['json'] }],
  });
  if (!weights) return;
  if (kind === 'weights-json') {
    notify(`Exported the weights of run #${run.number} to ${weights.name}`);
    return;
  }
  // The code names the weights file as it was saved, so a renamed file still loads.
  const codeOut = await exportModel(doc, 'keras-py', {
    flavor: useUi.getState().flavor,
    weightsFile: weights.name,
    baseName: base,
  });
  if (!codeOut.ok) {
    notify(`Exported ${weights.name}; ${codeOut.message} (${codeOut.hint})`, 'error');
    return;
  }
  const code = codeOut.files[0].data;
  const dir = folderOf(weights.path);
  const py = await getHost().saveFile({
    suggestedName: `${base}.py`,
    data: code,
    ...(dir ? { path: `${dir}${base}.py` } : {}),
    filters: [{ name: 'Python', extensions: ['py'] }],
  });
  notify(
    py
      ? `Exported ${py.name} and ${weights.name} (keep them side by side)`
      : `Exported ${weights.name}; the Python file was not saved`,
    py ? 'info' : 'error',
  );
}
