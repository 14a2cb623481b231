import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE,
  defaultBounds,
  parseWindowState,
  restoreWindowState,
  type Rect,
  type WindowState,
} from '../../electron/main/window-state-logic';

// A laptop (1440 x 900, menu bar 25 px) with a 2560 x 1440 monitor to its right.
const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 };
const monitor: Rect = { x: 1440, y: 0, width: 2560, height: 1400 };
const state = (bounds: Rect, extra: Partial<WindowState> = {}): WindowState => ({
  bounds,
  maximized: false,
  fullScreen: false,
  ...extra,
});

describe('reading the saved window state', () => {
  it('reads what was saved', () => {
    const saved = state({ x: 1600, y: 80, width: 1800, height: 1100 }, { maximized: true });
    expect(parseWindowState(JSON.stringify(saved))).toEqual(saved);
  });

  it('treats a missing, corrupt or nonsensical file as none', () => {
    for (const text of [
      null,
      '',
      '{oops',
      '[]',
      '{"bounds":{"x":0,"y":0,"width":0,"height":10}}',
      '{"bounds":{"x":"1","y":0,"width":9,"height":9}}',
      '{"bounds":{"x":1e300,"y":0,"width":9,"height":9}}',
    ]) {
      expect(parseWindowState(text)).toBeNull();
    }
  });
});

describe('placing the window at launch', () => {
  it('opens a first launch at 1400 x 900 centred on the primary display, or at the display size when smaller', () => {
    expect(restoreWindowState(null, [laptop, monitor], monitor)).toEqual(
      state({ x: 1440 + 580, y: 250, ...DEFAULT_SIZE }),
    );
    expect(defaultBounds({ x: 0, y: 0, width: 1280, height: 720 })).toEqual({ x: 0, y: 0, width: 1280, height: 720 });
  });

  it('puts the window back where it was, maximized or full screen as it was', () => {
    const saved = state({ x: 1700, y: 100, width: 1600, height: 1000 }, { fullScreen: true });
    expect(restoreWindowState(saved, [laptop, monitor], laptop)).toEqual(saved);
  });

  it('brings a window from an unplugged monitor back to the primary display, keeping it maximized', () => {
    const saved = state({ x: 1700, y: 100, width: 1600, height: 1000 }, { maximized: true });
    expect(restoreWindowState(saved, [laptop], laptop)).toEqual({
      bounds: defaultBounds(laptop),
      maximized: true,
      fullScreen: false,
    });
  });

  it('counts a window as visible only when enough of its title bar shows to grab it', () => {
    // Only a 40 px sliver on the laptop's right edge: not reachable, so the default.
    const sliver = state({ x: 1400, y: 100, width: 1000, height: 700 });
    expect(restoreWindowState(sliver, [laptop], laptop).bounds).toEqual(defaultBounds(laptop));
    // Title bar above the top of every display: not reachable either.
    const above = state({ x: 100, y: -600, width: 1000, height: 700 });
    expect(restoreWindowState(above, [laptop], laptop).bounds).toEqual(defaultBounds(laptop));
  });

  it('moves a partly visible window fully onto its display, and shrinks one larger than the display', () => {
    const hanging = state({ x: 1000, y: 300, width: 1000, height: 800 });
    expect(restoreWindowState(hanging, [laptop], laptop).bounds).toEqual({ x: 440, y: 100, width: 1000, height: 800 });
    const huge = state({ x: 50, y: 40, width: 2400, height: 1400 });
    expect(restoreWindowState(huge, [laptop], laptop).bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });

  it('picks the display showing most of a window that straddles two', () => {
    const straddling = state({ x: 1000, y: 100, width: 1600, height: 900 });
    // 440 px on the laptop, 1160 px on the monitor: it lands on the monitor.
    expect(restoreWindowState(straddling, [laptop, monitor], laptop).bounds).toEqual({
      x: 1440,
      y: 100,
      width: 1600,
      height: 900,
    });
  });

  it('never restores below the minimum size when the display has room', () => {
    const tiny = state({ x: 100, y: 100, width: 200, height: 100 });
    expect(restoreWindowState(tiny, [laptop], laptop).bounds).toEqual({ x: 100, y: 100, width: 800, height: 500 });
  });
});
