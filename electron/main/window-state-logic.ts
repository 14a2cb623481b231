/**
 * The main window's size, position and maximized / full-screen state across launches, and where to put it when
 * the display it was on is gone (a laptop off its external monitor): plain data in, plain data out, so it is
 * tested without Electron. window-state.ts reads and writes it around BrowserWindow.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The window's normal (not maximized, not full-screen) bounds. */
  bounds: Rect;
  maximized: boolean;
  fullScreen: boolean;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
export const MIN_SIZE = { width: 800, height: 500 } as const;
/** How much of the window's top edge must show on a display to count as reachable: enough to grab and move. */
export const VISIBLE_TITLE = { width: 120, height: 32 } as const;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e6;

/** A stored state, or null for a missing, corrupt or nonsensical one (never worth an error: the default is fine). */
export function parseWindowState(text: string | null | undefined): WindowState | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const r = raw as { bounds?: Partial<Rect>; maximized?: unknown; fullScreen?: unknown } | null;
  const b = r?.bounds;
  if (!b || !isInt(b.x) || !isInt(b.y) || !isInt(b.width) || !isInt(b.height)) return null;
  if (b.width < 1 || b.height < 1) return null;
  return {
    bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) },
    maximized: r.maximized === true,
    fullScreen: r.fullScreen === true,
  };
}

function overlap(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** The window's title strip shows on the work area enough to grab it. */
function titleReachable(bounds: Rect, workArea: Rect): boolean {
  const strip = overlap({ x: bounds.x, y: bounds.y, width: bounds.width, height: VISIBLE_TITLE.height }, workArea);
  return (
    strip !== null &&
    strip.width >= VISIBLE_TITLE.width &&
    strip.height >= Math.min(VISIBLE_TITLE.height, bounds.height)
  );
}

function centred(workArea: Rect, width: number, height: number): Rect {
  return {
    x: workArea.x + Math.round((workArea.width - width) / 2),
    y: workArea.y + Math.round((workArea.height - height) / 2),
    width,
    height,
  };
}

/** The default: 1400 x 900 (or the work area, when smaller), centred on the primary display. */
export function defaultBounds(primary: Rect): Rect {
  return centred(primary, Math.min(DEFAULT_SIZE.width, primary.width), Math.min(DEFAULT_SIZE.height, primary.height));
}

/**
 * Where the window opens: the saved bounds when their title strip shows on a display's work area, shrunk to fit
 * that display and moved fully onto it; otherwise the default on the primary display. Maximized and full-screen
 * come back only with bounds that are still visible (Electron maximizes on the display the bounds are on).
 */
export function restoreWindowState(saved: WindowState | null, workAreas: readonly Rect[], primary: Rect): WindowState {
  const fallback = { bounds: defaultBounds(primary), maximized: false, fullScreen: false };
  if (!saved) return fallback;
  const home = workAreas
    .filter((area) => titleReachable(saved.bounds, area))
    .map((area) => ({ area, shown: overlap(saved.bounds, area)! }))
    .sort((a, b) => b.shown.width * b.shown.height - a.shown.width * a.shown.height)[0];
  if (!home) return { ...fallback, maximized: saved.maximized };
  const { area } = home;
  const width = Math.max(Math.min(saved.bounds.width, area.width), Math.min(MIN_SIZE.width, area.width));
  const height = Math.max(Math.min(saved.bounds.height, area.height), Math.min(MIN_SIZE.height, area.height));
  const x = Math.min(Math.max(saved.bounds.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.bounds.y, area.y), area.y + area.height - height);
  return { bounds: { x, y, width, height }, maximized: saved.maximized, fullScreen: saved.fullScreen };
}
