/**
 * The LayerCanvas project file (`.layercanvas.json`): the document as the canvas holds it (ids, names, positions),
 * its weights (base64 of little-endian float32), the viewport and training runs. The file is checked as a whole
 * (zod for its structure, the layer registry for every config) and every bad field is reported with its path;
 * a damaged file opens what is sound: bad nodes are kept and marked (or left out when they have no id or class),
 * bad connections and weights are left out (the layer starts from fresh initial values), each with a located
 * warning, and the result says it was `damaged` so the desktop keeps a .bak of the original before saving over it.
 * Only what isn't a project at all (not JSON, no model, a newer format) is refused.
 */
import { z } from 'zod';
import type { FormatError } from '../core/problems';
import { formatShape } from '../core/shape';
import { sizeOf, tensor } from '../core/tensor';
import type { DocGroup, DocNode, ModelDocument, NamedWeight } from '../graph/document';
import { edgeSchema, groupSchema, nodeSchema } from '../graph/document-schema';
import { infer } from '../graph/inference';
import { allFields, checkValue, completeConfig } from '../layers/config';
import { getLayer } from '../layers/registry';
import { bytesToFloat32, float32ToBytes, fromBase64, toBase64 } from './json/float32';
import { isConfigValue, isObject, joinPath, type JsonObject, matchJsonText, parseJson, quote } from './json/parse';
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
  | ({
      ok: true;
      document: ModelDocument;
      warnings: FormatError[];
      /** Parts of the file were unsound and were left out or reset (each says so in `warnings`). */
      damaged: boolean;
    } & ProjectExtras)
  | { ok: false; errors: FormatError[] };

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const weightSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal('float32'),
  data: z.string(),
});
const viewportSchema = z.object({ x: finite, y: finite, zoom: finite.refine((v) => v > 0, 'expected a zoom above 0') });
/**
 * The frame a project needs to be a project at all. Everything inside it (each node, edge, weight, the viewport,
 * each run) is checked on its own, so one bad part costs only itself.
 */
const projectSchema = z.object({
  formatVersion: z.number().int().positive(),
  app: z.literal('LayerCanvas'),
  savedAt: z.unknown().optional(),
  model: z.object({
    name: z.unknown(),
    modelClass: z.unknown().optional(),
    nodes: z.array(z.unknown()),
    edges: z.array(z.unknown()),
    groups: z.array(z.unknown()).optional(),
  }),
  weights: z.record(z.string(), z.unknown()).optional(),
  viewport: z.unknown().optional(),
  // Checked run by run in project-runs.ts.
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

function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  const got = input === undefined ? 'nothing (the field is missing)' : quote(input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${got}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => quote(v)).join(' or ')}, got ${got}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `expected a non-empty string, got ${got}`
        : `expected at least ${String(issue.minimum)}, got ${got}`;
    default:
      return `${issue.message}${input !== undefined ? `, got ${got}` : ''}`;
  }
}

/** The issues of a failed parse, located under `base`. */
function located(error: z.ZodError, base: string): FormatError[] {
  return error.issues.map((i) => ({
    message: issueMessage(i),
    path: i.path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), base) || undefined,
  }));
}

export function readProjectFile(text: string): ProjectRead {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const root = parsed.value;
  if (isObject(root) && typeof root.formatVersion === 'number' && root.formatVersion > PROJECT_FORMAT_VERSION)
    return {
      ok: false,
      errors: [
        {
          message: `this project was made by a newer LayerCanvas (file format ${root.formatVersion}; this version reads ${PROJECT_FORMAT_VERSION})`,
          hint: 'update LayerCanvas to open it',
          path: 'formatVersion',
        },
      ],
    };
  const checked = projectSchema.safeParse(root, { reportInput: true });
  if (!checked.success) return { ok: false, errors: located(checked.error, '') };
  return buildDocument(checked.data);
}

/** A unique id for a node or edge whose id is taken: `dense_1-2`, `dense_1-3`, … */
function freshId(id: string, taken: Set<string>): string {
  let k = 2;
  while (taken.has(`${id}-${k}`)) k += 1;
  return `${id}-${k}`;
}

/**
 * One node of the file, as sound as it can be made. A node with an id and a class stays (bad fields reset, bad
 * option values kept so the canvas marks the layer until they are fixed); one without them is left out.
 */
function readNode(raw: unknown, path: string, warnings: FormatError[]): DocNode | null {
  const checked = nodeSchema.safeParse(raw, { reportInput: true });
  let n: z.infer<typeof nodeSchema>;
  if (checked.success) n = checked.data;
  else {
    const issues = located(checked.error, path);
    const r = isObject(raw) ? raw : {};
    if (typeof r.id !== 'string' || !r.id || typeof r.className !== 'string' || !r.className) {
      const why = issues.map((e) => `${e.path}: ${e.message}`).join('; ');
      warnings.push({ message: `a node was left out: ${why}`, hint: 'add the layer again from the palette', path });
      return null;
    }
    for (const e of issues) warnings.push({ ...e, message: `${e.message}; that field was reset` });
    const position = viewportSchema.pick({ x: true, y: true }).safeParse(r.position);
    n = {
      id: r.id,
      className: r.className,
      config: isObject(r.config) ? r.config : {},
      ...(typeof r.name === 'string' ? { name: r.name } : {}),
      ...(position.success ? { position: position.data } : {}),
    };
  }
  const def = getLayer(n.className);
  const node: DocNode = { id: n.id, className: n.className, config: {} };
  if (n.name !== undefined) node.name = n.name;
  if (n.group !== undefined) node.group = n.group;
  if (n.position) node.position = { x: n.position.x, y: n.position.y };
  const cpath = joinPath(path, 'config');
  const given: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(n.config)) {
    if (isConfigValue(v)) given[key] = v;
    else
      warnings.push({
        message: `${key} must be a number, a string, true/false or a list of them, got ${quote(v)}; it was reset`,
        path: joinPath(cpath, key),
      });
  }
  if (!def) {
    warnings.push({
      message: `'${n.className}' is not a layer LayerCanvas knows; the node is kept and marked on the canvas`,
      hint: 'the file was edited, or made by a LayerCanvas with more layers: replace it with a supported layer',
      path: joinPath(path, 'className'),
    });
    node.config = given as DocNode['config'];
    return node;
  }
  const { config, unknownKeys } = completeConfig(def, given);
  for (const key of unknownKeys) {
    warnings.push({
      message: `${def.className} has no option ${quote(key)} (value ${quote(given[key])}); it was left out`,
      path: joinPath(cpath, key),
    });
    delete config[key];
  }
  for (const [key, spec] of Object.entries(allFields(def))) {
    const reason = checkValue(key, spec, config[key]);
    if (reason)
      warnings.push({
        message: `${reason}; the layer is marked on the canvas until it is fixed`,
        path: joinPath(cpath, key),
      });
  }
  node.config = config;
  return node;
}

function buildDocument(file: ProjectFile): ProjectRead {
  const warnings: FormatError[] = [];
  const nodes: DocNode[] = [];
  const ids = new Set<string>();
  file.model.nodes.forEach((raw, i) => {
    const path = joinPath(joinPath('model', 'nodes'), i);
    const node = readNode(raw, path, warnings);
    if (!node) return;
    if (ids.has(node.id)) {
      const id = freshId(node.id, ids);
      warnings.push({
        message: `the node id ${quote(node.id)} is used twice; this one became ${quote(id)} (its connections stay with the first)`,
        path: joinPath(path, 'id'),
      });
      node.id = id;
    }
    ids.add(node.id);
    nodes.push(node);
  });
  const edges: ModelDocument['edges'] = [];
  const edgeIds = new Set<string>();
  file.model.edges.forEach((raw, i) => {
    const path = joinPath(joinPath('model', 'edges'), i);
    const checked = edgeSchema.safeParse(raw, { reportInput: true });
    if (!checked.success) {
      warnings.push({
        message: `a connection was left out: ${located(checked.error, path)
          .map((e) => `${e.path}: ${e.message}`)
          .join('; ')}`,
        path,
      });
      return;
    }
    const e = checked.data;
    const missing = (['source', 'target'] as const).find((end) => !ids.has(e[end]));
    if (missing) {
      warnings.push({
        message: `a connection was left out: its ${missing} ${quote(e[missing])} is not a node of the model`,
        path,
      });
      return;
    }
    let id = e.id;
    if (edgeIds.has(id)) {
      id = freshId(id, edgeIds);
      warnings.push({
        message: `the edge id ${quote(e.id)} is used twice; this one became ${quote(id)}`,
        path: joinPath(path, 'id'),
      });
    }
    edgeIds.add(id);
    edges.push({ id, source: e.source, target: e.target, ...(e.sourceOutput ? { sourceOutput: e.sourceOutput } : {}) });
  });

  const name = typeof file.model.name === 'string' ? file.model.name : 'model';
  if (name !== file.model.name)
    warnings.push({
      message: `the model's name must be a string, got ${quote(file.model.name)}; it is 'model'`,
      path: 'model.name',
    });
  const doc: ModelDocument = { name, nodes, edges };
  readGroups(file.model.groups ?? [], doc, warnings);
  const modelClass = file.model.modelClass;
  if (modelClass === 'auto' || modelClass === 'Sequential' || modelClass === 'Functional') doc.modelClass = modelClass;
  else if (modelClass !== undefined)
    warnings.push({
      message: `modelClass must be 'auto', 'Sequential' or 'Functional', got ${quote(modelClass)}; it is 'auto'`,
      path: 'model.modelClass',
    });
  if (file.weights) doc.weights = readWeights(file.weights, doc, warnings);
  const out: ProjectRead = { ok: true, document: doc, warnings, damaged: false };
  if (file.viewport !== undefined) {
    const viewport = viewportSchema.safeParse(file.viewport, { reportInput: true });
    if (viewport.success) out.viewport = { ...viewport.data };
    else
      for (const e of located(viewport.error, 'viewport'))
        warnings.push({ ...e, message: `${e.message}; the view is fitted instead` });
  }
  if (file.runs !== undefined && !Array.isArray(file.runs))
    warnings.push({
      message: `the training runs were skipped: expected a list, got ${quote(file.runs)}`,
      hint: 'the model opens without its runs',
      path: 'runs',
    });
  else if (file.runs) {
    const read = readRuns(file.runs);
    out.runs = read.runs;
    warnings.push(...read.warnings);
  }
  out.damaged = warnings.length > 0;
  return out;
}

/** The nested models: a bad one is left out (its layers stay, ungrouped); a node naming no group leaves it. */
function readGroups(all: unknown[], doc: ModelDocument, warnings: FormatError[]): void {
  const groups: DocGroup[] = [];
  all.forEach((raw, i) => {
    const path = joinPath(joinPath('model', 'groups'), i);
    const checked = groupSchema.safeParse(raw, { reportInput: true });
    if (!checked.success)
      warnings.push({
        message: `a nested model was left out (its layers stay in the model): ${located(checked.error, path)
          .map((e) => `${e.path}: ${e.message}`)
          .join('; ')}`,
        path,
      });
    else if (groups.some((g) => g.id === checked.data.id))
      warnings.push({
        message: `the nested model id ${quote(checked.data.id)} is used twice; the second was left out`,
        path,
      });
    else groups.push({ ...checked.data });
  });
  const ids = new Set(groups.map((g) => g.id));
  for (const g of groups) {
    if (g.parent === undefined || (ids.has(g.parent) && !withinItself(g, groups))) continue;
    warnings.push({
      message: `the nested model ${quote(g.id)} names ${quote(g.parent)} as the model it is in, which the file does not have (or which is in it); it is left in the outer model`,
      path: joinPath('model', 'groups'),
    });
    delete g.parent;
  }
  doc.nodes.forEach((n) => {
    if (n.group === undefined || ids.has(n.group)) return;
    warnings.push({
      message: `the node ${quote(n.id)} names the nested model ${quote(n.group)}, which the file does not have; it is left ungrouped`,
      path: joinPath('model', 'nodes'),
    });
    delete n.group;
  });
  if (groups.length) doc.groups = groups;
}

/** Whether following a group's parents comes back to it (a file's cycle would nest the group in itself). */
function withinItself(group: DocGroup, groups: DocGroup[]): boolean {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const seen = new Set<string>();
  for (let at = group.parent; at !== undefined; at = byId.get(at)?.parent) {
    if (at === group.id || seen.has(at)) return true;
    seen.add(at);
  }
  return false;
}

/**
 * Each node's weights are checked whole: any that don't read, or don't fit the layer, are dropped for that node,
 * which then starts from fresh initial values (as a new layer does), with a warning naming why.
 */
function readWeights(
  all: Record<string, unknown>,
  doc: ModelDocument,
  warnings: FormatError[],
): Record<string, NamedWeight[]> {
  const inference = infer(doc);
  const out: Record<string, NamedWeight[]> = {};
  for (const [nodeId, raw] of Object.entries(all)) {
    const path = joinPath('weights', nodeId);
    const info = inference.nodes.get(nodeId);
    if (!info) {
      warnings.push({
        message: `weights are given for ${quote(nodeId)}, which is not a node of the model; they were left out`,
        path,
      });
      continue;
    }
    const problems: FormatError[] = [];
    const list = z.array(weightSchema).safeParse(raw, { reportInput: true });
    const weights: NamedWeight[] = [];
    if (!list.success) problems.push(...located(list.error, path));
    else
      list.data.forEach((w, k) => {
        const wpath = joinPath(path, k);
        const bytes = fromBase64(w.data);
        const count = sizeOf(w.shape);
        if (!bytes)
          problems.push({
            message: `weight '${w.name}' of '${info.name}' is not valid base64`,
            path: joinPath(wpath, 'data'),
          });
        else if (bytes.length !== count * 4)
          problems.push({
            message: `weight '${w.name}' of '${info.name}' holds ${bytes.length} bytes but its shape ${formatShape(w.shape)} needs ${count * 4}`,
            path: joinPath(wpath, 'data'),
          });
        else weights.push({ name: w.name, tensor: tensor(w.shape, bytesToFloat32(bytes, 0, count)) });
      });
    if (problems.length === 0) {
      if (info.weights.length === 0 && info.outputShape === null) {
        warnings.push({ message: `the weights of '${info.name}' can't be checked while the layer has errors`, path });
        out[nodeId] = weights;
        continue;
      }
      checkAgainstLayer(info.name, info.weights, weights, path, problems);
    }
    if (problems.length === 0) out[nodeId] = weights;
    else
      warnings.push({
        ...problems[0],
        message: `${problems[0].message}; the weights of '${info.name}' were left out and it starts from fresh initial values`,
        hint: 'train the model again, or open a sound copy of the file',
      });
  }
  return out;
}

function checkAgainstLayer(
  layer: string,
  specs: { name: string; shape: number[] }[],
  weights: NamedWeight[],
  path: string,
  errors: FormatError[],
): void {
  if (specs.length !== weights.length) {
    errors.push({
      message: `layer '${layer}' needs ${specs.length} weights (${specs.map((s) => s.name).join(', ') || 'none'}) but the file has ${weights.length}`,
      path,
    });
    return;
  }
  specs.forEach((s, k) => {
    const w = weights[k];
    if (
      w.name !== s.name ||
      w.tensor.shape.length !== s.shape.length ||
      w.tensor.shape.some((d, i) => d !== s.shape[i])
    )
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
      nodes: doc.nodes.map((n) => ({
        id: n.id,
        className: n.className,
        ...(n.name !== undefined ? { name: n.name } : {}),
        config: n.config,
        ...(n.position ? { position: n.position } : {}),
        ...(n.group ? { group: n.group } : {}),
      })),
      edges: doc.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        ...(e.sourceOutput ? { sourceOutput: e.sourceOutput } : {}),
      })),
      ...(doc.groups?.length ? { groups: doc.groups.map((g) => ({ ...g })) } : {}),
    },
  };
  if (doc.weights) {
    const weights: Record<string, unknown[]> = {};
    for (const [id, list] of Object.entries(doc.weights))
      weights[id] = list.map((w) => ({
        name: w.name,
        shape: [...w.tensor.shape],
        dtype: 'float32',
        data: toBase64(float32ToBytes(w.tensor.data)),
      }));
    file.weights = weights;
  }
  if (extras.viewport) file.viewport = extras.viewport;
  if (extras.runs?.length) file.runs = extras.runs.map(writeRun);
  return JSON.stringify(file, null, 2);
}

/** A project file holds its `formatVersion` (a newer one is read to say so). */
const isProject = (value: JsonObject): boolean => 'formatVersion' in value;

/** Same as readProjectFile; the name the other formats' readers follow. */
export const readProject = readProjectFile;

export const project: ModelFormat = {
  id: 'project',
  title: 'LayerCanvas project',
  extensions: [PROJECT_EXTENSION],
  match: matchJsonText(isProject),
  matchJson: isProject,
  read: (text) => readProjectFile(text),
  write: (doc, { baseName }) => [{ name: `${baseName}${PROJECT_EXTENSION}`, data: writeProject(doc) }],
};
