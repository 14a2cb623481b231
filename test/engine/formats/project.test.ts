import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { project, readProject, readProjectFile, writeProject } from '../../../engine/formats/project';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
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
  return JSON.parse(
    JSON.stringify({
      ...doc,
      weights:
        doc.weights &&
        Object.fromEntries(
          Object.entries(doc.weights).map(([k, ws]) => [
            k,
            ws.map((w) => ({ name: w.name, shape: w.tensor.shape, data: Array.from(w.tensor.data) })),
          ]),
        ),
    }),
  );
}

describe('project file: reading a good file', () => {
  it('loads ids, names, positions, defaults for omitted options, base64 little-endian weights, viewport and runs', () => {
    const r = ok(FIXTURE);
    const doc = r.document;
    expect(doc.nodes.map((n) => n.id)).toEqual(['in', 'c1', 'add', 'gap']);
    expect(doc.nodes[0].name).toBe('image');
    expect(doc.nodes[2].position).toEqual({ x: 60, y: 240 });
    expect(doc.nodes[1].config).toMatchObject({
      filters: 2,
      strides: [1, 1],
      padding: 'valid',
      kernel_initializer: 'glorot_uniform',
      trainable: true,
    });
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
  it.each(layerDefinitions().map((d) => d.className))(
    '%s: document → project → document is exact (ids, names, positions, edges, options, weights)',
    (className) => {
      const doc = caseDocument(className);
      doc.weights = initializeWeights(doc, 17);
      expect(plain(ok(writeProject(doc)).document)).toEqual(plain(doc));
    },
  );

  it.each(TEMPLATES.map((t) => t.id))(
    'template %s with seeded weights and viewport comes back bit for bit (runs: project-runs.test.ts)',
    (id) => {
      const doc = getTemplate(id)!.build();
      doc.weights = initializeWeights(doc, 5);
      const text = writeProject(doc, { viewport: { x: 1, y: 2, zoom: 0.5 } });
      const back = ok(text);
      expect(plain(back.document)).toEqual(plain(doc));
      expect(back.viewport).toEqual({ x: 1, y: 2, zoom: 0.5 });
    },
  );

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

/** A damaged file opens: the document, and its warnings as `path: message`. */
function opened(value: unknown) {
  const r = ok(JSON.stringify(value));
  expect(r.damaged).toBe(true);
  return {
    doc: r.document,
    warnings: r.warnings.filter((w) => w.path !== 'runs[0].version').map((w) => `${w.path}: ${w.message}`),
    read: r,
  };
}

describe('project file: a damaged file opens what is sound, and says what it left out or reset', () => {
  it('wrong types and missing fields, all at once: the fields reset, a node with no class left out', () => {
    const f = fixture();
    f.model.nodes[1].id = 5;
    delete f.model.nodes[2].className;
    f.model.nodes[3].position = { x: 'left', y: 0 };
    f.viewport.zoom = 0;
    const { doc, warnings, read } = opened(f);
    expect(warnings).toEqual([
      'model.nodes[1]: a node was left out: model.nodes[1].id: expected a string, got 5',
      'model.nodes[2]: a node was left out: model.nodes[2].className: expected a string, got nothing (the field is missing)',
      'model.nodes[3].position.x: expected a number, got "left"; that field was reset',
      'model.edges[0]: a connection was left out: its target "c1" is not a node of the model',
      'model.edges[1]: a connection was left out: its source "c1" is not a node of the model',
      'model.edges[2]: a connection was left out: its target "add" is not a node of the model',
      'model.edges[3]: a connection was left out: its source "add" is not a node of the model',
      'weights.c1: weights are given for "c1", which is not a node of the model; they were left out',
      'viewport.zoom: expected a zoom above 0, got 0; the view is fitted instead',
    ]);
    expect(doc.nodes.map((n) => [n.id, n.position ?? null])).toEqual([
      ['in', { x: 0, y: 0 }],
      ['gap', null],
    ]);
    expect(read.viewport).toBeUndefined();
  });

  it('a bad option value is kept and marked on the canvas; an unknown class is kept and marked; an unknown option is left out', () => {
    const f = fixture();
    f.model.nodes[1].config.filters = '32';
    f.model.nodes[1].config.kernel_size = [0, 1];
    f.model.nodes[2].className = 'Lambda';
    f.model.nodes[3].config.keep_dims = true;
    const { doc, warnings } = opened(f);
    expect(warnings).toEqual([
      "model.nodes[1].config.filters: filters must be an integer, got '32'; the layer is marked on the canvas until it is fixed",
      'model.nodes[1].config.kernel_size: kernel_size values must be at least 1, got (0, 1); the layer is marked on the canvas until it is fixed',
      "model.nodes[2].className: 'Lambda' is not a layer LayerCanvas knows; the node is kept and marked on the canvas",
      'model.nodes[3].config.keep_dims: GlobalAveragePooling2D has no option "keep_dims" (value true); it was left out',
      "weights.c1: the weights of 'conv2d' can't be checked while the layer has errors",
    ]);
    expect(doc.nodes).toHaveLength(4);
    expect(doc.edges).toHaveLength(4);
    // The canvas marks both layers with the same words.
    const problems = infer(doc).problems.filter((p) => p.severity === 'error');
    expect(problems.map((p) => [p.nodeId, p.code])).toEqual(
      expect.arrayContaining([
        ['c1', expect.any(String)],
        ['add', 'unknown-layer'],
      ]),
    );
    expect(doc.nodes[3].config).not.toHaveProperty('keep_dims');
  });

  it('connections to nowhere are left out; duplicate ids are renamed, the connections staying with the first', () => {
    const f = fixture();
    f.model.edges[0].target = 'ghost';
    f.model.nodes[3].id = 'add';
    f.model.edges[2].id = 'e2';
    const { doc, warnings } = opened(f);
    expect(warnings).toContain(
      'model.nodes[3].id: the node id "add" is used twice; this one became "add-2" (its connections stay with the first)',
    );
    expect(warnings).toContain(
      'model.edges[0]: a connection was left out: its target "ghost" is not a node of the model',
    );
    expect(warnings).toContain('model.edges[2].id: the edge id "e2" is used twice; this one became "e2-2"');
    expect(warnings).toContain(
      'model.edges[3]: a connection was left out: its target "gap" is not a node of the model',
    );
    expect(doc.nodes.map((n) => n.id)).toEqual(['in', 'c1', 'add', 'add-2']);
    expect(doc.edges.map((e) => e.id)).toEqual(['e2', 'e2-2']);
  });

  it('weights that are truncated, not base64, misnamed or for no node are left out: the layer starts fresh, with a warning', () => {
    const f = fixture();
    // One truncated weight: the base64 cut short.
    f.weights.c1[0].data = f.weights.c1[0].data.slice(0, 8);
    const { doc, warnings } = opened(f);
    expect(warnings).toEqual([
      "weights.c1[0].data: weight 'kernel' of 'conv2d' holds 6 bytes but its shape (1, 1, 2, 2) needs 16; the weights of 'conv2d' were left out and it starts from fresh initial values",
    ]);
    expect(doc.weights).toEqual({});
    expect(doc.nodes).toHaveLength(4);
    const g = fixture();
    g.weights.c1[0].data = 'not base64!';
    expect(opened(g).warnings[0]).toMatch(
      /^weights\.c1\[0\]\.data: weight 'kernel' of 'conv2d' is not valid base64; the weights of 'conv2d' were left out/,
    );
    const h = fixture();
    h.weights.ghost = [];
    expect(opened(h).warnings).toEqual([
      'weights.ghost: weights are given for "ghost", which is not a node of the model; they were left out',
    ]);
    const k = fixture();
    k.weights.c1[0].name = 'bias';
    expect(opened(k).warnings[0]).toMatch(
      /^weights\.c1\[0\]: layer 'conv2d' weight 0 is 'bias' \(1, 1, 2, 2\) in the file, but the layer needs 'kernel'/,
    );
    const m = fixture();
    m.weights.c1 = 'garbage';
    expect(opened(m).warnings[0]).toMatch(
      /^weights\.c1: expected a list, got "garbage"; the weights of 'conv2d' were left out/,
    );
  });

  it('a sound file is not damaged', () => {
    const r = ok(writeProject(getTemplate('article-cnn')!.build()));
    expect(r.damaged).toBe(false);
    expect(r.warnings).toEqual([]);
  });

  it('what is not a project at all is still refused: no model, a model that is not an object, another app', () => {
    for (const change of [
      (f: Record<string, unknown>) => delete f.model,
      (f: Record<string, unknown>) => (f.model = 3),
      (f: Record<string, unknown>) => (f.app = 'Other'),
    ]) {
      const f = fixture();
      change(f);
      expect(errors(f).length).toBeGreaterThan(0);
    }
  });

  it('a newer format version says it was made by a newer LayerCanvas', () => {
    const f = fixture();
    f.formatVersion = 2;
    expect(errors(f)).toEqual([
      expect.objectContaining({
        path: 'formatVersion',
        message: expect.stringContaining('made by a newer LayerCanvas'),
      }),
    ]);
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
          for (const e of r.errors)
            expect(e.path !== undefined || e.location !== undefined || e.message.length > 0).toBe(true);
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
