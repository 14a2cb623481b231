/** View state that is not part of the model: selection, theme, panels, file identity, engine status. */
import { create } from 'zustand';
import type { EngineStatus } from '../services/host';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type BottomTab = 'summary' | 'code' | 'problems' | 'train' | 'inside' | 'predict';

export interface UiState {
  selectedNodes: string[];
  selectedEdges: string[];
  theme: ThemeChoice;
  bottomTab: BottomTab;
  bottomCollapsed: boolean;
  flavor: 'keras3' | 'tf.keras';
  /** Where the document came from or was saved to (name for the title, path for desktop "Save"). */
  file: { name: string; path?: string } | null;
  engine: EngineStatus;
  /** A short message for the status bar (saved, opened, refused connection), with the time it was set. */
  notice: { text: string; kind: 'info' | 'error'; at: number } | null;
  select(nodes: string[], edges?: string[]): void;
  setTheme(theme: ThemeChoice): void;
  /** Shows a tab (unfolding the panel). */
  setBottomTab(tab: BottomTab): void;
  toggleBottom(): void;
  setFlavor(flavor: 'keras3' | 'tf.keras'): void;
  setFile(file: { name: string; path?: string } | null): void;
  setEngine(status: EngineStatus): void;
  notify(text: string, kind?: 'info' | 'error'): void;
}

const THEME_KEY = 'layercanvas.theme';

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
  flavor: 'keras3',
  file: null,
  engine: { state: 'starting' },
  notice: null,
  select: (nodes, edges = []) => set({ selectedNodes: nodes, selectedEdges: edges }),
  setTheme: (theme) => {
    storeTheme(theme);
    set({ theme });
  },
  setBottomTab: (bottomTab) => set({ bottomTab, bottomCollapsed: false }),
  toggleBottom: () => set((s) => ({ bottomCollapsed: !s.bottomCollapsed })),
  setFlavor: (flavor) => set({ flavor }),
  setFile: (file) => set({ file }),
  setEngine: (engine) => set({ engine }),
  notify: (text, kind = 'info') => set({ notice: { text, kind, at: Date.now() } }),
}));
