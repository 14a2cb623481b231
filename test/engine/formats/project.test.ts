import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { project, readProject, readProjectFile, writeProject } from '../../../engine/formats/project';
import type { ModelDocument } from '../../../engine/graph/document';
import { getTemplate, TEMPLATES } from '../../../engine/graph/templates';
import { layerDefinitions } from '../../../engine/layers/registry';
import { caseDocument } from './layer-cases';

const FIXTURE = readFileSync(join(__dirname, '../../fixtures/project/residual.layercanvas.json'), 'utf8');

function ok(text: string) {
  const r = readProjectFile(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r;
}
function errors(value: unknown) {
  const r = readProjectFile(typeof value === 'string' ? value : JSON.stringify(value));
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}
const fixture = () => JSON.parse(FIXTURE);

/** The document as plain data, weights as numbers, for exact comparison. */
function plain(doc: ModelDocument) {
  return JSON.parse(JSON.stringify({ ...doc, weights: doc.weights && Object.fromEntries(Object.entries(doc.weights).map(([k, ws]) => [k, ws.map((w) => ({ name: w.name, shape: w.tensor.shape, data: Array.from(w.tensor.data) }))])) }));
}

describe('project file: reading a good file', () => {
  it('loads ids, names, positions, defaults for omitted options, base64 little-endian weights, viewport and runs', () => {
    const r = ok(FIXTURE);
    const doc = r.document;
    expect(doc.nodes.map((n) => n.id)).toEqual(['in', 'c1', 'add', 'gap']);
    expect(doc.nodes[0].name).toBe('image');
    expect(doc.nodes[2].position).toEqual({ x: 60, y: 240 });
    expect(doc.nodes[1].config).toMatchObject({ filters: 2, strides: [1, 1], padding: 'valid', kernel_initializer: 'glorot_uniform', trainable: true });
    // "AACAPwAAAEAAAEBAAACAQA==" is 1.0, 2.0, 3.0, 4.0 as little-endian float32.
    expect(Array.from(doc.weights!.c1[0].tensor.data)).toEqual([1, 2, 3, 4]);
    expect(r.viewport).toEqual({ x: 10, y: -5, zoom: 1.25 });
    // The fixture's run predates the saved-run format: it is skipped with a warning, the model opens.
    expect(r.runs).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toEqual(['runs[0].version']);
    expect(doc.modelClass).toBe('Functional');
    expect(project.match(FIXTURE, 'x.layercanvas.json')).toBe(true);
    expect(readProject).toBe(readProjectFile);
  });
});

describe('project file: round trips', () => {
  it.each(layerDefinitions().map((d) => d.className))('%s: document → project → document is exact (ids, names, positions, edges, options, weights)', (className) => {
    const doc = caseDocument(className);
    doc.weights = initializeWeights(doc, 17);
    expect(plain(ok(writeProject(doc)).document)).toEqual(plain(doc));
  });

  it.each(TEMPLATES.map((t) => t.id))('template %s with seeded weights and viewport comes back bit for bit (runs: project-runs.test.ts)', (id) => {
    const doc = getTemplate(id)!.build();
    doc.weights = initializeWeights(doc, 5);
    const text = writeProject(doc, { viewport: { x: 1, y: 2, zoom: 0.5 } });
    const back = ok(text);
    expect(plain(back.document)).toEqual(plain(doc));
    expect(back.viewport).toEqual({ x: 1, y: 2, zoom: 0.5 });
  });

  it('NaN, infinities and -0 in weights survive (base64 keeps the bits)', () => {
    const doc = getTemplate('article-mlp')!.build();
    doc.weights = initializeWeights(doc, 1);
    const k = doc.weights[doc.nodes[1].id][0].tensor.data;
    k[0] = NaN;
    k[1] = Infinity;
    k[2] = -0;
    const back = ok(writeProject(doc)).document.weights![doc.nodes[1].id][0].tensor.data;
    expect(Number.isNaN(back[0])).toBe(true);
    expect(back[1]).toBe(Infinity);
    expect(Object.is(back[2], -0)).toBe(true);
  });
});

describe('project file: every bad field reported with its path, nothing half-loaded', () => {
  it('wrong types and missing fields, all at once', () => {
    const f = fixture();
    f.model.nodes[1].id = 5;
    delete f.model.nodes[2].className;
    f.model.nodes[3].position = { x: 'left', y: 0 };
    f.viewport.zoom = 0;
    const list = errors(f);
    expect(list.map((e) => e.path)).toEqual(['model.nodes[1].id', 'model.nodes[2].className', 'model.nodes[3].position.x', 'viewport.zoom']);
    expect(list[0].message).toBe('expected a string, got 5');
    expect(list[1].message).toBe('expected a string, got nothing (the field is missing)');
  });

  it('a bad option value names the option and quotes the value; an unknown class and an unknown option are errors', () => {
    const f = fixture();
    f.model.nodes[1].config.filters = '32';
    f.model.nodes[1].config.kernel_size = [0, 1];
    f.model.nodes[2].className = 'Lambda';
    f.model.nodes[3].config.keep_dims = true;
    const list = errors(f);
    expect(list).toEqual([
      expect.objectContaining({ path: 'model.nodes[1].config.filters', message: "filters must be an integer, got '32'" }),
      expect.objectContaining({ path: 'model.nodes[1].config.kernel_size', message: 'kernel_size values must be at least 1, got (0, 1)' }),
      expect.objectContaining({ path: 'model.nodes[2].className', message: "'Lambda' is not a layer LayerCanvas knows" }),
      expect.objectContaining({ path: 'model.nodes[3].config.keep_dims', message: 'GlobalAveragePooling2D has no option "keep_dims" (value true)' }),
    ]);
  });

  it('edges to nowhere and duplicate ids', () => {
    const f = fixture();
    f.model.edges[0].target = 'ghost';
    f.model.nodes[3].id = 'add';
    f.model.edges[2].id = 'e2';
    const paths = errors(f).map((e) => `${e.path}: ${e.message}`);
    expect(paths).toContain('model.nodes[3].id: the node id "add" is used twice (also model.nodes[2])');
    expect(paths).toContain('model.edges[0].target: the edge\'s target "ghost" is not a node of the model');
    expect(paths).toContain('model.edges[2].id: the edge id "e2" is used twice');
    expect(paths).toContain('model.edges[3].target: the edge\'s target "gap" is not a node of the model');
  });

  it('weights that do not fit the layer, or are not base64, or name no node', () => {
    const f = fixture();
    f.weights.c1[0].shape = [1, 1, 2, 1];
    expect(errors(f)[0]).toMatchObject({ path: 'weights.c1[0].data', message: "weight 'kernel' of 'conv2d' holds 16 bytes but its shape (1, 1, 2, 1) needs 8" });
    const g = fixture();
    g.weights.c1[0].data = 'not base64!';
    expect(errors(g)[0].path).toBe('weights.c1[0].data');
    const h = fixture();
    h.weights.ghost = [];
    expect(errors(h)[0]).toMatchObject({ path: 'weights.ghost' });
    const k = fixture();
    k.weights.c1[0].name = 'bias';
    expect(errors(k)[0].message).toBe("layer 'conv2d' weight 0 is 'bias' (1, 1, 2, 2) in the file, but the layer needs 'kernel' (1, 1, 2, 2)");
  });

  it('a newer format version says it was made by a newer LayerCanvas', () => {
    const f = fixture();
    f.formatVersion = 2;
    expect(errors(f)).toEqual([expect.objectContaining({ path: 'formatVersion', message: expect.stringContaining('made by a newer LayerCanvas') })]);
  });

  it('not JSON: the line and column of the parse error', () => {
    const text = FIXTURE.replace('"name": "tiny_residual",', '"name": "tiny_residual"');
    const [e] = errors(text);
    const line = FIXTURE.split('\n').findIndex((l) => l.includes('"modelClass"')) + 1;
    expect(e.location).toEqual({ line, column: 5 });
    expect(e.message).toContain(`line ${line}, column 5`);
  });
});

describe('project file: property tests', () => {
  const json = fc.jsonValue({ maxDepth: 4 });
  it('any JSON value at all never throws; a refusal always has errors, each with a path or a location', () => {
    fc.assert(
      fc.property(json, (v) => {
        const r = readProjectFile(JSON.stringify(v));
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.path !== undefined || e.location !== undefined || e.message.length > 0).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a good file with one field replaced by random JSON never throws, and if refused names a path inside the file', () => {
    const base = fixture();
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, p: (string | number)[]) => {
      paths.push(p);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
    };
    walk(base, []);
    const settable = paths.filter((p) => p.length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...settable), json, (path, value) => {
        const f = structuredClone(base);
        let o: Record<string | number, unknown> = f;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[path[path.length - 1]] = value;
        const r = readProjectFile(JSON.stringify(f));
        if (!r.ok) {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(typeof e.path).toBe('string');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a good file cut short or with a character changed never throws and reports where', () => {
    fc.assert(
      fc.property(fc.nat(FIXTURE.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (at, ch) => {
        const cut = readProjectFile(FIXTURE.slice(0, at));
        if (!cut.ok) expect(cut.errors[0].location ?? cut.errors[0].path).toBeDefined();
        const changed = readProjectFile(FIXTURE.slice(0, at) + ch + FIXTURE.slice(at + 1));
        if (!changed.ok) expect(changed.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });
});
