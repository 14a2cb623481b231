/**
 * The file verbs against a fake host: what is saved (a project file that reads back, Keras code that imports),
 * what is opened, and the native menu mapped onto the same actions.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { readProject, writeProject } from '../../../engine/formats/project';
import { infer } from '../../../engine/graph/inference';
import type { EnginePort, EngineStatus, Host, SaveRequest } from '../../../common/host';
import { createEngineService, defaultHandlers, type Handlers } from '../../../engine/host/engine-service';
import { createEngineClient, type EngineClient } from '../../../renderer/services/engine-client';

const saved: SaveRequest[] = [];
const host = {
  saveFile: vi.fn(async (req: SaveRequest) => {
    saved.push(req);
    return { name: req.suggestedName };
  }),
  openFile: vi.fn(async () => null),
} as unknown as Host;

/**
 * The page's engine: a real engine service in memory behind a real client, with structured clone in between like a
 * MessagePort. `handlers` swaps in a parser that never answers; `restartEngine` is the host's watchdog.
 */
let handlers: Handlers = defaultHandlers;
const imports: string[] = [];
const statusListeners = new Set<(s: EngineStatus) => void>();
const engine = createEngineService(
  (m) => queueMicrotask(() => portListeners.forEach((l) => l(structuredClone(m)))),
  new Proxy(defaultHandlers, { get: (_t, k: keyof Handlers) => handlers[k] }),
);
const portListeners = new Set<(m: unknown) => void>();
const port: EnginePort = {
  postMessage: (m) => {
    const msg = m as { type: string; payload?: { name?: string } };
    if (msg.type === 'import') imports.push(msg.payload?.name ?? '');
    queueMicrotask(() => engine.handle(structuredClone(m)));
  },
  onMessage: (l) => {
    portListeners.add(l);
    return () => portListeners.delete(l);
  },
  close: () => {},
};
const client: EngineClient = createEngineClient(port, {
  subscribeStatus: (l) => {
    statusListeners.add(l);
    return () => statusListeners.delete(l);
  },
});
const restartEngine = (message: string) => statusListeners.forEach((l) => l({ state: 'restarting', message }));
vi.mock('../../../renderer/services/host-instance', () => ({
  getHost: () => host,
  getEngineClient: async () => client,
}));

// The node test environment has no DOM: the actions need confirm(), the focused element and animation frames.
vi.stubGlobal('confirm', () => true);
vi.stubGlobal('window', globalThis);
vi.stubGlobal('document', { activeElement: null });
vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 0));

const { exportAs, newFromTemplate, openHostFile, runMenuCommand, save } = await import(
  '../../../renderer/actions/document-actions'
);
const { useGraph } = await import('../../../renderer/stores/graph');
const { useUi } = await import('../../../renderer/stores/ui');
const { isDirty } = await import('../../../renderer/stores/graph');

const text = (req: SaveRequest) => (typeof req.data === 'string' ? req.data : new TextDecoder().decode(req.data));
const ctx = { prefersDark: false, openTemplates: vi.fn() };

beforeEach(() => {
  saved.length = 0;
  imports.length = 0;
  handlers = defaultHandlers;
  useUi.getState().setFile(null);
});

describe('file actions through the host', () => {
  it('New from a template lays every layer out, and Save writes a project that reads back the same model', async () => {
    await newFromTemplate('article-cnn');
    const doc = useGraph.getState().doc;
    expect(doc.nodes.every((n) => n.position)).toBe(true);
    expect(infer(doc).totals.total).toBe(10_466);
    useGraph.getState().commit((d) => ({ ...d, name: 'renamed' }));
    expect(isDirty(useGraph.getState())).toBe(true);

    await save();
    expect(saved[0].suggestedName).toBe('renamed.layercanvas.json');
    expect(isDirty(useGraph.getState())).toBe(false);
    const back = readProject(text(saved[0]));
    expect(back.ok).toBe(true);
    if (back.ok) {
      expect(back.document.nodes.map((n) => [n.id, n.position])).toEqual(doc.nodes.map((n) => [n.id, n.position]));
      expect(infer(back.document).totals.total).toBe(10_466);
    }
    expect(useUi.getState().file?.name).toBe('renamed.layercanvas.json');
  });

  it('exports Keras Python in the chosen flavour and Keras JSON', async () => {
    await newFromTemplate('article-mlp');
    useUi.getState().setFlavor('tf.keras');
    await exportAs('keras-py');
    useUi.getState().setFlavor('keras3');
    await exportAs('keras-json');
    expect(saved.map((s) => s.suggestedName)).toEqual(['sequential.py', 'sequential.json']);
    expect(text(saved[0])).toContain('from tensorflow');
    const imported = importKerasPython(text(saved[0]));
    expect(imported.ok && infer(imported.document).totals.total).toBe(infer(useGraph.getState().doc).totals.total);
    expect(JSON.parse(text(saved[1])).class_name).toBe('Sequential');
  });

  it('opens a Python file into a laid-out canvas and refuses a broken one without touching the canvas', async () => {
    const code =
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4)])\n';
    expect(await openHostFile({ name: 'small.py', data: new TextEncoder().encode(code) })).toBe(true);
    const doc = useGraph.getState().doc;
    expect(doc.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Dense']);
    expect(doc.nodes.every((n) => n.position)).toBe(true);
    expect(infer(doc).totals.total).toBe(8 * 4 + 4);
    expect(useUi.getState().file?.name).toBe('small.py');

    expect(
      await openHostFile({
        name: 'broken.py',
        data: new TextEncoder().encode('model = keras.Sequential([layers.Dense(4)'),
      }),
    ).toBe(false);
    expect(useGraph.getState().doc).toBe(doc);
    expect(useUi.getState().notice?.kind).toBe('error');
    // Both were read by the engine process, not by this page.
    expect(imports).toEqual(['small.py', 'broken.py']);
  });

  it('a file whose parser hangs restarts the engine, says so in one line, and keeps the canvas', async () => {
    await newFromTemplate('article-mlp');
    const doc = useGraph.getState().doc;
    // The parser never answers (an exhausted engine), until the host's watchdog kills and restarts it.
    let started!: () => void;
    const hung = new Promise<void>((r) => (started = r));
    handlers = { ...defaultHandlers, import: () => (started(), new Promise(() => {})) };
    const opening = openHostFile({ name: 'evil.py', data: new TextEncoder().encode('x = (((((((((') });
    await hung;
    const why =
      "The engine stopped answering for 5 s while working on 'import' of evil.py, so it was stopped; restarting it in 500 ms.";
    restartEngine(why);
    expect(await opening).toBe(false);
    expect(useGraph.getState().doc).toBe(doc);
    expect(useUi.getState().notice).toMatchObject({
      kind: 'error',
      text: `Could not open evil.py: ${why}`,
    });
    expect(imports).toEqual(['evil.py']);
  });

  it('opens what is sound in a damaged project, says so, and asks the host to keep a .bak when saving over it', async () => {
    await newFromTemplate('article-cnn');
    const file = JSON.parse(writeProject(useGraph.getState().doc));
    // One bad option value and one connection to nowhere: the rest must open.
    file.model.nodes[1].config.filters = 'many';
    file.model.edges.push({ id: 'stray', source: file.model.nodes[0].id, target: 'ghost' });
    const data = new TextEncoder().encode(JSON.stringify(file));
    expect(await openHostFile({ name: 'cnn.layercanvas.json', path: '/home/u/cnn.layercanvas.json', data })).toBe(true);
    expect(useGraph.getState().doc.nodes).toHaveLength(file.model.nodes.length);
    expect(useUi.getState().file).toEqual({
      name: 'cnn.layercanvas.json',
      path: '/home/u/cnn.layercanvas.json',
      damaged: true,
    });
    expect(useUi.getState().notice).toMatchObject({ kind: 'error' });
    expect(useUi.getState().notice?.text).toMatch(
      /^Opened what is sound in cnn\.layercanvas\.json: 2 part\(s\) left out or reset, first .*filters.*; saving over it keeps the original as cnn\.layercanvas\.json\.bak$/,
    );
    await save();
    expect(saved.at(-1)).toMatchObject({ path: '/home/u/cnn.layercanvas.json', backup: true });
  });

  it('maps native menu commands onto the same actions', async () => {
    await newFromTemplate('article-mlp');
    const before = useGraph.getState().doc;
    useGraph.getState().commit((d) => ({ ...d, nodes: d.nodes.slice(0, -1) }));
    runMenuCommand('undo', ctx);
    expect(useGraph.getState().doc).toBe(before);
    runMenuCommand('redo', ctx);
    expect(useGraph.getState().doc.nodes).toHaveLength(before.nodes.length - 1);
    runMenuCommand('new', ctx);
    expect(ctx.openTemplates).toHaveBeenCalled();
    runMenuCommand('export-keras-py', ctx);
    await vi.waitFor(() => expect(saved.map((s) => s.suggestedName)).toContain('sequential.py'));
    runMenuCommand('toggle-theme', ctx);
    expect(useUi.getState().theme).toBe('dark');
  });

  it('View ▸ Theme sets the choice, and Match System hands it back to the OS after a toggle', () => {
    runMenuCommand('toggle-theme', ctx);
    expect(useUi.getState().theme).not.toBe('system');
    runMenuCommand('theme-system', ctx);
    expect(useUi.getState().theme).toBe('system');
    runMenuCommand('theme-light', ctx);
    expect(useUi.getState().theme).toBe('light');
    runMenuCommand('theme-dark', ctx);
    expect(useUi.getState().theme).toBe('dark');
  });
});
