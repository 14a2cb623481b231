/** View state that is not part of the model: selection, theme, panels, file identity, engine status. */
import { create } from 'zustand';
import type { KernelsReport } from '../../engine/api/protocol';
import type { EngineStatus, ThemeChoice } from '../../common/host';

export type { ThemeChoice };
export type BottomTab = 'summary' | 'code' | 'problems' | 'train' | 'inside' | 'predict';

/** The bottom panel keeps two heights: a short one for the model's tabs, a tall one for the training tabs. */
export type PanelKind = 'model' | 'training';
export const panelKind = (tab: BottomTab): PanelKind =>
  tab === 'train' || tab === 'inside' || tab === 'predict' ? 'training' : 'model';
export const DEFAULT_PANEL_HEIGHTS: Record<PanelKind, number> = { model: 220, training: 340 };
/** Below this the panel's tab strip and one row of content no longer fit. */
export const MIN_PANEL_HEIGHT = 120;

export interface UiState {
  selectedNodes: string[];
  selectedEdges: string[];
  theme: ThemeChoice;
  bottomTab: BottomTab;
  bottomCollapsed: boolean;
  /** Heights (px) the user dragged the bottom panel to, by kind of tab; remembered across windows. */
  panelHeights: Record<PanelKind, number>;
  flavor: 'keras3' | 'tf.keras';
  /** Where the document came from or was saved to (name for the title, path for desktop "Save"). */
  /** `damaged`: opened from a damaged project; the first save over it keeps the original as a .bak. */
  file: { name: string; path?: string; damaged?: boolean } | null;
  engine: EngineStatus;
  /** The kernels the engine reported it runs (null until it has); see renderer/services/engine-kernels.ts. */
  kernels: KernelsReport | null;
  /** A short message for the status bar (saved, opened, refused connection), with the time it was set. */
  notice: { text: string; kind: 'info' | 'error'; at: number } | null;
  select(nodes: string[], edges?: string[]): void;
  setTheme(theme: ThemeChoice): void;
  /** Shows a tab (unfolding the panel). */
  setBottomTab(tab: BottomTab): void;
  toggleBottom(): void;
  /** Set the height for the current tab's kind (clamped by the caller to what the window allows). */
  setPanelHeight(kind: PanelKind, height: number): void;
  setFlavor(flavor: 'keras3' | 'tf.keras'): void;
  setFile(file: { name: string; path?: string; damaged?: boolean } | null): void;
  setEngine(status: EngineStatus): void;
  setKernels(kernels: KernelsReport | null): void;
  notify(text: string, kind?: 'info' | 'error'): void;
}

const THEME_KEY = 'layercanvas.theme';
const HEIGHTS_KEY = 'layercanvas.panelHeights';

function storedHeights(): Record<PanelKind, number> {
  try {
    const parsed: unknown = JSON.parse(globalThis.localStorage?.getItem(HEIGHTS_KEY) ?? 'null');
    const out = { ...DEFAULT_PANEL_HEIGHTS };
    if (parsed && typeof parsed === 'object')
      for (const kind of ['model', 'training'] as const) {
        const h = (parsed as Record<string, unknown>)[kind];
        if (typeof h === 'number' && Number.isFinite(h) && h >= MIN_PANEL_HEIGHT) out[kind] = Math.round(h);
      }
    return out;
  } catch {
    return { ...DEFAULT_PANEL_HEIGHTS };
  }
}

// The theme choice outlives the window; storage may be unavailable (private mode), then it is the OS's.
function storedTheme(): ThemeChoice {
  try {
    const t = globalThis.localStorage?.getItem(THEME_KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

function storeTheme(theme: ThemeChoice): void {
  try {
    globalThis.localStorage?.setItem(THEME_KEY, theme);
  } catch {
    // not remembered: the next window follows the OS again
  }
}

export const useUi = create<UiState>()((set) => ({
  selectedNodes: [],
  selectedEdges: [],
  theme: storedTheme(),
  bottomTab: 'summary',
  bottomCollapsed: false,
  panelHeights: storedHeights(),
  flavor: 'keras3',
  file: null,
  engine: { state: 'starting' },
  kernels: null,
  notice: null,
  select: (nodes, edges = []) => set({ selectedNodes: nodes, selectedEdges: edges }),
  setTheme: (theme) => {
    storeTheme(theme);
    set({ theme });
  },
  setBottomTab: (bottomTab) => set({ bottomTab, bottomCollapsed: false }),
  toggleBottom: () => set((s) => ({ bottomCollapsed: !s.bottomCollapsed })),
  setPanelHeight: (kind, height) =>
    set((s) => {
      const panelHeights = { ...s.panelHeights, [kind]: Math.max(MIN_PANEL_HEIGHT, Math.round(height)) };
      try {
        globalThis.localStorage?.setItem(HEIGHTS_KEY, JSON.stringify(panelHeights));
      } catch {
        // not remembered: the next window starts at the default heights
      }
      return { panelHeights };
    }),
  setFlavor: (flavor) => set({ flavor }),
  setFile: (file) => set({ file }),
  setEngine: (engine) => set({ engine }),
  setKernels: (kernels) => set({ kernels }),
  notify: (text, kind = 'info') => set({ notice: { text, kind, at: Date.now() } }),
}));
