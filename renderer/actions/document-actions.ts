/**
 * The top bar's and the native menu's verbs: new, open, save, export, undo, layout. Everything leaving the page
 * goes through the host; formats come from engine/formats.
 */
import { formatFormatError, type FormatError } from '../../engine/api/core';
import type { ModelDocument } from '../../engine/api/graph';
import type { ExportFormat } from '../../engine/api/formats';
import type { Strategy } from '../../engine/api/formats';
import type { ExportedFile } from '../../engine/api/formats';
import { getTemplate } from '../../engine/api/graph';
// The format modules (the Python parser, the TF.js writer, zod schemas) load on first use, not at start-up.
const formats = () => import('./formats');
import { layoutPositions } from '../canvas/layout';
import { getEngineClient, getHost } from '../services/host-instance';
import type { HostFile, MenuCommand } from '../../common/host';
import { moveNodes } from '../stores/edits';
import { isDirty, useGraph } from '../stores/graph';
import { useDatasets } from '../stores/datasets';
import { type TrainConfig, restoreRuns, serializableRuns, useTraining } from '../stores/training';
import { type ThemeChoice, useUi } from '../stores/ui';
import { placeNewNodes } from './merge-positions';
import { textUndo } from './text-undo';
import { currentViewport, fitSoon, measuredSizes, restoreViewportSoon } from './view';

const PROJECT_EXT = 'layercanvas.json';
const MODEL_FILTERS = [
  { name: 'Models', extensions: ['json', 'py', 'layercanvas', 'keras', 'h5'] },
  { name: 'All files', extensions: ['*'] },
];

/** Asks before unsaved changes are replaced; true when there are none or the user agrees. */
export function confirmDiscard(): boolean {
  if (!isDirty(useGraph.getState())) return true;
  return window.confirm('Discard the unsaved changes to this model?');
}

/** Lays out what has no position: all of it when nothing has one, otherwise only the new layers. */
async function positioned(doc: ModelDocument): Promise<ModelDocument> {
  if (doc.nodes.every((n) => n.position)) return doc;
  if (doc.nodes.some((n) => n.position)) return placeNewNodes(doc);
  return moveNodes(doc, await layoutPositions(doc));
}

export async function newFromTemplate(id: string): Promise<void> {
  const template = getTemplate(id);
  if (!template || !confirmDiscard()) return;
  useGraph.getState().load(await positioned(template.build()));
  if (template.dataset || template.training)
    useTraining.getState().setConfig({
      ...(template.dataset ? { datasetId: template.dataset } : {}),
      ...template.training,
    });
  useUi.getState().setFile(null);
  useUi.getState().select([]);
  fitSoon();
}

/** The host's bytes are a plain ArrayBuffer's (read from a file or disk), as the protocol's schema types them. */
function readInEngine(file: HostFile) {
  return getEngineClient().then((client) =>
    client.request('import', {
      name: file.name,
      data: file.data as Uint8Array<ArrayBuffer>,
      ...(file.siblings ? { siblings: file.siblings as Record<string, Uint8Array<ArrayBuffer>> } : {}),
    }),
  );
}

/**
 * Opens a model file. The engine process reads it (its `import` request), not this page: a hostile file that hangs
 * or exhausts a parser takes down the engine, which the host restarts, and the canvas keeps the model it had.
 */
export async function openHostFile(file: HostFile): Promise<boolean> {
  const refuse = (detail: string) => {
    // "model.h5 is an HDF5 file…" already names the file: the status bar's one line has no room to say it twice.
    useUi
      .getState()
      .notify(detail.startsWith(`${file.name} `) ? detail : `Could not open ${file.name}: ${detail}`, 'error');
    return false;
  };
  let answer: Awaited<ReturnType<typeof readInEngine>>;
  try {
    answer = await readInEngine(file);
  } catch (err) {
    return refuse(`the engine could not be reached (${(err as Error)?.message ?? String(err)})`);
  }
  if (!answer.ok) return refuse(answer.error.message);
  const result = answer.value;
  if (!result.ok) return refuse(result.errors.map((e: FormatError) => formatFormatError(e)).join('; '));
  // A project reopens as it was saved: the same pan and zoom, not a fresh fit, and its training runs (the engine
  // read its model; these are the editor's own fields).
  const project =
    result.format === 'project' ? (await formats()).readProjectFile(new TextDecoder().decode(file.data)) : null;
  const viewport = project?.ok ? project.viewport : undefined;
  useGraph.getState().load(await positioned(result.document));
  // A project brings its training runs (none, if it has none); other files leave the session's runs listed.
  if (project?.ok) restoreRuns(project.runs ?? []);
  const damaged = project?.ok === true && project.damaged;
  useUi
    .getState()
    .setFile({ name: file.name, ...(file.path ? { path: file.path } : {}), ...(damaged ? { damaged } : {}) });
  useUi.getState().select([]);
  const warn = result.warnings.length ? ` (${result.warnings.length} warning(s): ${result.warnings[0].message})` : '';
  if (damaged) {
    // Said as an error: part of the file was left out or reset, and the user should look before saving over it.
    const kept = file.path ? `; saving over it keeps the original as ${file.name}.bak` : '';
    useUi
      .getState()
      .notify(
        `Opened what is sound in ${file.name}: ${result.warnings.length} part(s) left out or reset, first ${formatFormatError(result.warnings[0])}${kept}`,
        'error',
      );
    if (viewport) restoreViewportSoon(viewport);
    else fitSoon();
    return true;
  }
  const runCount = project?.ok ? (project.runs?.length ?? 0) : 0;
  const runs = runCount ? ` with ${runCount} training run${runCount === 1 ? '' : 's'}` : '';
  useUi.getState().notify(`Opened ${file.name}${runs}${warn}`);
  if (viewport) restoreViewportSoon(viewport);
  else fitSoon();
  return true;
}

/**
 * Export ▸ Load weights onto this model: a Keras .weights.h5 (or a whole-model .h5's weights) or weights JSON,
 * matched by layer name and shape; one undo step. A mismatch is said in one line and changes nothing.
 */
export async function loadWeights(): Promise<void> {
  const file = await getHost().openFile([
    { name: 'Weights', extensions: ['h5', 'json'] },
    { name: 'All files', extensions: ['*'] },
  ]);
  if (!file) return;
  const { readWeightsFile } = await formats();
  const result = await readWeightsFile(file.data, useGraph.getState().doc, file.name);
  if (!result.ok) {
    const first = formatFormatError(result.errors[0]);
    const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
    useUi.getState().notify(`Could not load ${file.name}: ${first}${more}`, 'error');
    return;
  }
  const weights = result.document.weights ?? {};
  useGraph.getState().commit((d) => ({ ...d, weights: { ...d.weights, ...weights } }));
  const warn = result.warnings.length ? ` (${result.warnings.length} warning(s): ${result.warnings[0].message})` : '';
  useUi.getState().notify(`Loaded the weights of ${Object.keys(weights).length} layers from ${file.name}${warn}`);
}

export async function openFile(): Promise<void> {
  if (!confirmDiscard()) return;
  const file = await getHost().openFile(MODEL_FILTERS);
  if (file) await openHostFile(file);
}

function baseName(): string {
  const file = useUi.getState().file;
  if (file) return file.name.replace(/\.layercanvas\.json$|\.json$|\.py$|\.keras$|\.h5$/i, '');
  return useGraph.getState().doc.name || 'model';
}

export async function save(as = false): Promise<void> {
  const doc = useGraph.getState().doc;
  const file = useUi.getState().file;
  const isProject = file?.name.endsWith(`.${PROJECT_EXT}`);
  const { writeProject } = await formats();
  const saved = await getHost().saveFile({
    suggestedName: isProject && file ? file.name : `${baseName()}.${PROJECT_EXT}`,
    data: writeProject(doc, { viewport: currentViewport(), runs: serializableRuns() }),
    ...(!as && isProject && file?.path ? { path: file.path, ...(file.damaged ? { backup: true } : {}) } : {}),
    filters: [{ name: 'LayerCanvas project', extensions: [PROJECT_EXT] }],
  });
  if (!saved) return;
  // The document saved is the one captured above; edits made while the dialog was open stay dirty.
  if (useGraph.getState().doc === doc) useGraph.getState().markSaved();
  useUi.getState().setFile({ name: saved.name, ...(saved.path ? { path: saved.path } : {}) });
  const backedUp = !as && file?.damaged && saved.path === file.path;
  useUi
    .getState()
    .notify(
      backedUp ? `Saved ${saved.name}; the damaged original is kept as ${saved.name}.bak` : `Saved ${saved.name}`,
    );
}

export type ExportKind = ExportFormat;

const FILTERS: Record<Exclude<ExportKind, 'project' | 'tfjs'>, { name: string; extensions: string[] }> = {
  'keras-py': { name: 'Python', extensions: ['py'] },
  'keras-json': { name: 'Keras model JSON', extensions: ['json'] },
  keras: { name: 'Keras model', extensions: ['keras'] },
  h5: { name: 'Keras HDF5 model (tf.keras 2)', extensions: ['h5'] },
  'weights-json': { name: 'Weights JSON', extensions: ['json'] },
  onnx: { name: 'ONNX model', extensions: ['onnx'] },
};

export async function exportAs(kind: ExportKind): Promise<void> {
  if (kind === 'project') return save(true);
  if (kind === 'tfjs') return exportTfjsFiles();
  const doc = useGraph.getState().doc;
  if (kind === 'weights-json' && !doc.weights && useTraining.getState().runs.some((r) => r.weights)) {
    useUi
      .getState()
      .notify(
        'The canvas model has no weights of its own: export a run\'s trained weights from the list below in Export, or press "Use these weights" on a run',
        'error',
      );
    return;
  }
  const { exportModel } = await formats();
  const out = await exportModel(doc, kind, { flavor: useUi.getState().flavor, baseName: baseName() });
  if (!out.ok) {
    useUi.getState().notify(`${out.message} (${out.hint})`, 'error');
    return;
  }
  const [file] = out.files;
  const saved = await getHost().saveFile({ suggestedName: file.name, data: file.data, filters: [FILTERS[kind]] });
  if (saved) useUi.getState().notify(`Exported ${saved.name}`);
}

/** TF.js needs model.json and its weight shard side by side: two saves, the shard named as the manifest says. */
export async function exportTfjsFiles(doc: ModelDocument = useGraph.getState().doc): Promise<void> {
  const { exportModel } = await formats();
  const out = await exportModel(doc, 'tfjs');
  if (!out.ok) {
    useUi.getState().notify(`${out.message} (${out.hint})`, 'error');
    return;
  }
  const [main, shardFile] = out.files;
  const model = await getHost().saveFile({
    suggestedName: main.name,
    data: main.data,
    filters: [{ name: 'TF.js model', extensions: ['json'] }],
  });
  if (!model) return;
  const shard = await saveBeside(model, shardFile);
  useUi
    .getState()
    .notify(
      shard ? `Exported ${model.name} and ${shard.name}` : `Exported ${model.name}; the weights file was not saved`,
      shard ? 'info' : 'error',
    );
}

/**
 * Export ▸ Training script: the TensorFlow `train.py` with the Train tab's settings under the chosen tf.distribute
 * strategy, and its data file saved beside it (as TF.js's shard is).
 */
export function exportTrainingScript(strategy: Strategy): Promise<void> {
  return saveTrainingScript(useGraph.getState().doc, useTraining.getState().config, strategy, baseName());
}

/** The training script of a model with these settings (the Train tab's, or a run's), and its data file beside it. */
export async function saveTrainingScript(
  doc: ModelDocument,
  config: TrainConfig,
  strategy: Strategy,
  base: string,
): Promise<void> {
  const { appTrainingScript, exportModel } = await formats();
  const notify = useUi.getState().notify;
  const checked = await exportModel(doc, 'keras-py');
  if (!checked.ok) return notify(`${checked.message} (${checked.hint})`, 'error');
  const out = appTrainingScript(doc, config, strategy, base, useDatasets.getState().imported);
  if (!out.ok) return notify(out.message, 'error');
  const [script, data] = out.files;
  const saved = await getHost().saveFile({
    suggestedName: script.name,
    data: script.data,
    filters: [{ name: 'Python', extensions: ['py'] }],
  });
  if (!saved) return;
  if (!data) return notify(`Exported ${saved.name} (${strategy} strategy)`);
  const beside = await saveBeside(saved, data);
  notify(
    beside
      ? `Exported ${saved.name} (${strategy} strategy) and ${beside.name} (keep them side by side)`
      : `Exported ${saved.name}; its data file ${data.name} was not saved`,
    beside ? 'info' : 'error',
  );
}

/** Saves a file in the folder of one just saved (the browser, which gives no paths, downloads it beside it). */
function saveBeside(first: { path?: string }, file: ExportedFile) {
  const dir = first.path ? first.path.replace(/[^/\\]*$/, '') : '';
  return getHost().saveFile({ suggestedName: file.name, data: file.data, ...(dir ? { path: dir + file.name } : {}) });
}

/** The status bar's and the menu's Restart engine: whatever it was doing is cancelled, the document stays. */
export function restartEngine(): void {
  useUi.getState().notify('Restarting the engine; anything it was working on is cancelled. Your model is untouched.');
  getHost().restartEngine();
}

export async function autoLayout(): Promise<void> {
  const doc = useGraph.getState().doc;
  if (doc.nodes.length === 0) return;
  const positions = await layoutPositions(doc, measuredSizes());
  useGraph.getState().commit((d) => moveNodes(d, positions));
  fitSoon();
}

export function toggleTheme(prefersDark: boolean): void {
  const ui = useUi.getState();
  const dark = ui.theme === 'dark' || (ui.theme === 'system' && prefersDark);
  ui.setTheme(dark ? 'light' : 'dark');
}

/** The native menu's commands, mapped to the same actions as the top bar. */
export function runMenuCommand(command: MenuCommand, ctx: { prefersDark: boolean; openTemplates: () => void }): void {
  const graph = useGraph.getState();
  switch (command) {
    case 'new':
      ctx.openTemplates();
      return;
    case 'open':
      void openFile();
      return;
    case 'save':
      void save(false);
      return;
    case 'save-as':
      void save(true);
      return;
    case 'export-keras-py':
      void exportAs('keras-py');
      return;
    case 'export-keras-json':
      void exportAs('keras-json');
      return;
    case 'export-tfjs':
      void exportAs('tfjs');
      return;
    case 'export-weights-json':
      void exportAs('weights-json');
      return;
    case 'export-keras':
      void exportAs('keras');
      return;
    case 'export-h5':
      void exportAs('h5');
      return;
    case 'export-onnx':
      void exportAs('onnx');
      return;
    case 'export-keras-train-default':
    case 'export-keras-train-mirrored':
    case 'export-keras-train-multiworker':
    case 'export-keras-train-tpu':
      void exportTrainingScript(command.slice('export-keras-train-'.length) as Strategy);
      return;
    case 'undo':
      if (!textUndo('undo')) graph.undo();
      return;
    case 'redo':
      if (!textUndo('redo')) graph.redo();
      return;
    case 'auto-layout':
      void autoLayout();
      return;
    case 'fit-view':
      fitSoon();
      return;
    case 'toggle-theme':
      toggleTheme(ctx.prefersDark);
      return;
    case 'restart-engine':
      restartEngine();
      return;
    case 'about':
      useUi.getState().notify('LayerCanvas: build Keras models by drawing them.');
      return;
    // View ▸ Theme in the desktop menu; 'system' follows the OS again after a toggle.
    case 'theme-system':
    case 'theme-light':
    case 'theme-dark':
      useUi.getState().setTheme(command.slice('theme-'.length) as ThemeChoice);
      return;
  }
}
