/**
 * The LayerCanvas project file (`.layercanvas.json`): the document as the canvas holds it (ids, names, positions),
 * its weights (base64 of little-endian float32), the viewport and training runs. The file is checked as a whole
 * (zod for its structure, the layer registry for every config) and every bad field is reported with its path;
 * a bad file loads nothing. Training runs are history, not the model: a bad one is skipped with a warning.
 */
import { z } from 'zod';
import type { FormatError } from '../core/problems';
import { formatShape } from '../core/shape';
import { sizeOf, tensor } from '../core/tensor';
import type { DocNode, ModelDocument, NamedWeight } from '../graph/document';
import { infer } from '../graph/inference';
import { allFields, checkValue, completeConfig } from '../layers/config';
import { getLayer } from '../layers/registry';
import { bytesToFloat32, float32ToBytes, fromBase64, toBase64 } from './json/float32';
import { isConfigValue, isObject, joinPath, parseJson, quote } from './json/parse';
import { readRuns, writeRun, type SavedRun } from './project-runs';
import type { ModelFormat } from './types';

export const PROJECT_FORMAT_VERSION = 1;
export const PROJECT_EXTENSION = '.layercanvas.json';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface ProjectExtras {
  viewport?: Viewport;
  /** Finished training runs (engine/formats/project-runs.ts); a bad one is skipped with a warning. */
  runs?: SavedRun[];
}

export type ProjectRead =
  | ({ ok: true; document: ModelDocument; warnings: FormatError[] } & ProjectExtras)
  | { ok: false; errors: FormatError[] };

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const nodeSchema = z.object({
  id: z.string().min(1),
  className: z.string().min(1),
  name: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  position: z.object({ x: finite, y: finite }).optional(),
});
const edgeSchema = z.object({ id: z.string().min(1), source: z.string().min(1), target: z.string().min(1) });
const weightSchema = z.object({ name: z.string().min(1), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32'), data: z.string() });
const projectSchema = z.object({
  formatVersion: z.number().int().positive(),
  app: z.literal('LayerCanvas'),
  savedAt: z.string().optional(),
  model: z.object({
    name: z.string(),
    modelClass: z.enum(['auto', 'Sequential', 'Functional']).optional(),
    nodes: z.array(nodeSchema),
    edges: z.array(edgeSchema),
  }),
  weights: z.record(z.string(), z.array(weightSchema)).optional(),
  viewport: z.object({ x: finite, y: finite, zoom: finite.refine((v) => v > 0, 'expected a zoom above 0') }).optional(),
  // Checked run by run in project-runs.ts, so a bad run costs only itself.
  runs: z.unknown().optional(),
});
type ProjectFile = z.infer<typeof projectSchema>;

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), '');
}

function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? 'nothing (the field is missing)' : quote(input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => quote(v)).join(' or ')}, got ${got}`;
    case 'too_small':
      return issue.origin === 'string' ? `expected a non-empty string, got ${got}` : `expected at least ${String(issue.minimum)}, got ${got}`;
    default:
      return `${issue.message}${input !== undefined ? `, got ${got}` : ''}`;
  }
}

export function readProjectFile(text: string): ProjectRead {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const root = parsed.value;
  if (isObject(root) && typeof root.formatVersion === 'number' && root.formatVersion > PROJECT_FORMAT_VERSION)
    return {
      ok: false,
      errors: [{ message: `this project was made by a newer LayerCanvas (file format ${root.formatVersion}; this version reads ${PROJECT_FORMAT_VERSION})`, hint: 'update LayerCanvas to open it', path: 'formatVersion' }],
    };
  const checked = projectSchema.safeParse(root, { reportInput: true });
  if (!checked.success) return { ok: false, errors: checked.error.issues.map((i) => ({ message: issueMessage(i), path: pathOf(i.path) || undefined })) };
  return buildDocument(checked.data);
}

function buildDocument(file: ProjectFile): ProjectRead {
  const errors: FormatError[] = [];
  const warnings: FormatError[] = [];
  const nodes: DocNode[] = [];
  const ids = new Map<string, number>();
  file.model.nodes.forEach((n, i) => {
    const path = joinPath(joinPath('model', 'nodes'), i);
    if (ids.has(n.id)) errors.push({ message: `the node id ${quote(n.id)} is used twice (also model.nodes[${ids.get(n.id)}])`, path: joinPath(path, 'id') });
    else ids.set(n.id, i);
    const def = getLayer(n.className);
    if (!def) {
      errors.push({ message: `'${n.className}' is not a layer LayerCanvas knows`, hint: 'the file was edited, or made by a LayerCanvas with more layers', path: joinPath(path, 'className') });
      return;
    }
    const cpath = joinPath(path, 'config');
    const odd = Object.entries(n.config).filter(([, v]) => !isConfigValue(v));
    for (const [key, v] of odd) errors.push({ message: `${key} must be a number, a string, true/false or a list of them, got ${quote(v)}`, path: joinPath(cpath, key) });
    if (odd.length) return;
    const { config, unknownKeys } = completeConfig(def, n.config);
    for (const key of unknownKeys) errors.push({ message: `${def.className} has no option ${quote(key)} (value ${quote(n.config[key])})`, path: joinPath(cpath, key) });
    let fieldErrors = 0;
    for (const [key, spec] of Object.entries(allFields(def))) {
      const reason = checkValue(key, spec, config[key]);
      if (reason) {
        fieldErrors++;
        errors.push({ message: reason, path: joinPath(cpath, key) });
      }
    }
    if (fieldErrors === 0 && unknownKeys.length === 0) for (const issue of def.validate?.(config) ?? []) errors.push({ message: issue.message, hint: issue.hint, path: cpath });
    const node: DocNode = { id: n.id, className: n.className, config };
    if (n.name !== undefined) node.name = n.name;
    if (n.position) node.position = { x: n.position.x, y: n.position.y };
    nodes.push(node);
  });
  const edgeIds = new Set<string>();
  file.model.edges.forEach((e, i) => {
    const path = joinPath(joinPath('model', 'edges'), i);
    if (edgeIds.has(e.id)) errors.push({ message: `the edge id ${quote(e.id)} is used twice`, path: joinPath(path, 'id') });
    edgeIds.add(e.id);
    for (const end of ['source', 'target'] as const)
      if (!ids.has(e[end])) errors.push({ message: `the edge's ${end} ${quote(e[end])} is not a node of the model`, path: joinPath(path, end) });
  });
  if (errors.length) return { ok: false, errors };

  const doc: ModelDocument = { name: file.model.name, nodes, edges: file.model.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })) };
  if (file.model.modelClass) doc.modelClass = file.model.modelClass;
  if (file.weights) {
    const weights = readWeights(file.weights, doc, errors, warnings);
    if (errors.length) return { ok: false, errors };
    doc.weights = weights;
  }
  const out: ProjectRead = { ok: true, document: doc, warnings };
  if (file.viewport) out.viewport = { ...file.viewport };
  if (file.runs !== undefined && !Array.isArray(file.runs))
    warnings.push({ message: `the training runs were skipped: expected a list, got ${quote(file.runs)}`, hint: 'the model opens without its runs', path: 'runs' });
  else if (file.runs) {
    const read = readRuns(file.runs);
    out.runs = read.runs;
    warnings.push(...read.warnings);
  }
  return out;
}

function readWeights(all: NonNullable<ProjectFile['weights']>, doc: ModelDocument, errors: FormatError[], warnings: FormatError[]): Record<string, NamedWeight[]> {
  const inference = infer(doc);
  const out: Record<string, NamedWeight[]> = {};
  for (const [nodeId, list] of Object.entries(all)) {
    const path = joinPath('weights', nodeId);
    const info = inference.nodes.get(nodeId);
    if (!info) {
      errors.push({ message: `weights are given for ${quote(nodeId)}, which is not a node of the model`, path });
      continue;
    }
    const weights: NamedWeight[] = [];
    list.forEach((w, k) => {
      const wpath = joinPath(path, k);
      const bytes = fromBase64(w.data);
      const count = sizeOf(w.shape);
      if (!bytes) errors.push({ message: `weight '${w.name}' of '${info.name}' is not valid base64`, path: joinPath(wpath, 'data') });
      else if (bytes.length !== count * 4)
        errors.push({ message: `weight '${w.name}' of '${info.name}' holds ${bytes.length} bytes but its shape ${formatShape(w.shape)} needs ${count * 4}`, path: joinPath(wpath, 'data') });
      else weights.push({ name: w.name, tensor: tensor(w.shape, bytesToFloat32(bytes, 0, count)) });
    });
    if (info.weights.length === 0 && info.outputShape === null)
      warnings.push({ message: `the weights of '${info.name}' can't be checked while the layer has errors`, path });
    else if (weights.length === list.length) checkAgainstLayer(info.name, info.weights, weights, path, errors);
    out[nodeId] = weights;
  }
  return out;
}

function checkAgainstLayer(layer: string, specs: { name: string; shape: number[] }[], weights: NamedWeight[], path: string, errors: FormatError[]): void {
  if (specs.length !== weights.length) {
    errors.push({ message: `layer '${layer}' needs ${specs.length} weights (${specs.map((s) => s.name).join(', ') || 'none'}) but the file has ${weights.length}`, path });
    return;
  }
  specs.forEach((s, k) => {
    const w = weights[k];
    if (w.name !== s.name || w.tensor.shape.length !== s.shape.length || w.tensor.shape.some((d, i) => d !== s.shape[i]))
      errors.push({
        message: `layer '${layer}' weight ${k} is '${w.name}' ${formatShape(w.tensor.shape)} in the file, but the layer needs '${s.name}' ${formatShape(s.shape)}`,
        path: joinPath(path, k),
      });
  });
}

export function writeProject(doc: ModelDocument, extras: ProjectExtras = {}): string {
  const file: Record<string, unknown> = {
    formatVersion: PROJECT_FORMAT_VERSION,
    app: 'LayerCanvas',
    savedAt: new Date().toISOString(),
    model: {
      name: doc.name,
      ...(doc.modelClass ? { modelClass: doc.modelClass } : {}),
      nodes: doc.nodes.map((n) => ({ id: n.id, className: n.className, ...(n.name !== undefined ? { name: n.name } : {}), config: n.config, ...(n.position ? { position: n.position } : {}) })),
      edges: doc.edges.map((e) => ({ id: e.id, source: e.source, target: e.target })),
    },
  };
  if (doc.weights) {
    const weights: Record<string, unknown[]> = {};
    for (const [id, list] of Object.entries(doc.weights))
      weights[id] = list.map((w) => ({ name: w.name, shape: [...w.tensor.shape], dtype: 'float32', data: toBase64(float32ToBytes(w.tensor.data)) }));
    file.weights = weights;
  }
  if (extras.viewport) file.viewport = extras.viewport;
  if (extras.runs?.length) file.runs = extras.runs.map(writeRun);
  return JSON.stringify(file, null, 2);
}

/** Same as readProjectFile; the name the other formats' readers follow. */
export const readProject = readProjectFile;

export const project: ModelFormat = {
  id: 'project',
  title: 'LayerCanvas project',
  extensions: [PROJECT_EXTENSION],
  match: (text, fileName) => /"formatVersion"\s*:/.test(text.slice(0, 2048)) || (fileName?.endsWith(PROJECT_EXTENSION) ?? false),
  read: (text) => readProjectFile(text),
  write: (doc, { baseName }) => [{ name: `${baseName}${PROJECT_EXTENSION}`, data: writeProject(doc) }],
};
