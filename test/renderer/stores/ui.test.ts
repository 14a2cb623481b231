import { beforeEach, describe, expect, it, vi } from 'vitest';

/** A stand-in for the window's localStorage, so the store's memory across windows can be checked. */
function fakeStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

async function freshStore(storage: ReturnType<typeof fakeStorage>) {
  vi.stubGlobal('localStorage', storage);
  vi.resetModules();
  return import('../../../renderer/stores/ui');
}

beforeEach(() => vi.unstubAllGlobals());

describe('the bottom panel heights', () => {
  it('starts short for the model tabs and tall for the training tabs', async () => {
    const { useUi, panelKind } = await freshStore(fakeStorage());
    expect(useUi.getState().panelHeights).toEqual({ model: 220, training: 340 });
    expect(['summary', 'code', 'problems'].map((t) => panelKind(t as never))).toEqual(['model', 'model', 'model']);
    expect(['train', 'inside', 'predict'].map((t) => panelKind(t as never))).toEqual([
      'training',
      'training',
      'training',
    ]);
  });

  it('keeps a dragged height per kind of tab, and remembers it for the next window', async () => {
    const storage = fakeStorage();
    const first = await freshStore(storage);
    first.useUi.getState().setPanelHeight('training', 512.4);
    expect(first.useUi.getState().panelHeights).toEqual({ model: 220, training: 512 });
    const next = await freshStore(storage);
    expect(next.useUi.getState().panelHeights).toEqual({ model: 220, training: 512 });
  });

  it('never goes below the height its tab strip needs, and ignores a corrupt stored value', async () => {
    const { useUi } = await freshStore(fakeStorage({ 'layercanvas.panelHeights': '{"model":"tall","training":-5}' }));
    expect(useUi.getState().panelHeights).toEqual({ model: 220, training: 340 });
    useUi.getState().setPanelHeight('model', 3);
    expect(useUi.getState().panelHeights.model).toBe(120);
    const broken = await freshStore(fakeStorage({ 'layercanvas.panelHeights': '{not json' }));
    expect(broken.useUi.getState().panelHeights).toEqual({ model: 220, training: 340 });
  });
});

describe('the panel splitter', () => {
  it('leaves the canvas at least 160 px of an 800 px window, and the panel at least 120 px', async () => {
    const { clampPanelHeight, maxPanelHeight } = await import('../../../renderer/panels/PanelSplitter');
    expect(maxPanelHeight(800)).toBe(800 - 44 - 26 - 160);
    expect(clampPanelHeight(2000, 800)).toBe(570);
    expect(clampPanelHeight(50, 800)).toBe(120);
    expect(clampPanelHeight(300.6, 800)).toBe(301);
    // A window too small for both: the panel keeps its minimum.
    expect(clampPanelHeight(400, 300)).toBe(120);
  });
});
