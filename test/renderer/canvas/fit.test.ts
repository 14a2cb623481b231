import { describe, expect, it } from 'vitest';
import { fitViewport, READABLE_FIT_MAX_NODES, READABLE_ZOOM, resizeShift } from '../../../renderer/canvas/fit';

const pane = { width: 760, height: 346 };

describe('the readable fit', () => {
  it('fits a model that fits at a readable zoom as React Flow would, whole and centred', () => {
    const v = fitViewport({ x: 0, y: 0, width: 232, height: 500 }, pane, 4);
    expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(v.zoom).toBeLessThanOrEqual(1);
    // Whole: the top and the bottom of the model are on screen.
    expect(v.y).toBeGreaterThanOrEqual(0);
    expect(v.y + 500 * v.zoom).toBeLessThanOrEqual(pane.height);
  });

  it('never goes below the readable zoom for a 12-layer chain, and shows its top, centred across', () => {
    const bounds = { x: 100, y: 40, width: 232, height: 12 * 116 };
    const v = fitViewport(bounds, pane, 12);
    expect(v.zoom).toBe(READABLE_ZOOM);
    const top = v.y + bounds.y * v.zoom;
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(30);
    const left = v.x + bounds.x * v.zoom;
    const right = left + bounds.width * v.zoom;
    expect(Math.abs(left - (pane.width - right))).toBeLessThan(1);
  });

  it('starts a model wider than the pane at its left edge', () => {
    const bounds = { x: -500, y: 0, width: 4000, height: 3000 };
    const v = fitViewport(bounds, pane, 30);
    expect(v.zoom).toBe(READABLE_ZOOM);
    const left = v.x + bounds.x * v.zoom;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(30);
  });

  it('fits a big model whole, even as blocks: its shape is the overview', () => {
    const bounds = { x: 0, y: 0, width: 2000, height: 25000 };
    const v = fitViewport(bounds, pane, READABLE_FIT_MAX_NODES + 1);
    expect(v.zoom).toBeLessThan(READABLE_ZOOM);
  });
});

describe('the view when the canvas resizes', () => {
  it('stays put while the model is still whole in view (a bottom panel opening leaves the Input where it was)', () => {
    expect(resizeShift(20, 300, 700, 400)).toBe(0);
  });

  it('slides a model that still fits just enough to be whole again (fitted mid-4K, then 1024 wide)', () => {
    const s = resizeShift(1500, 2300, 3840, 1024);
    expect(1500 + s).toBeGreaterThanOrEqual(0);
    expect(2300 + s).toBeLessThanOrEqual(1024);
    expect(2300 + s).toBe(1024);
  });

  it("keeps a too-big model's start where it was when it starts near the edge (the Input stays put)", () => {
    expect(resizeShift(20, 900, 1000, 400)).toBe(0);
  });

  it('brings a too-big model up to start a small margin in, filling the view from its start', () => {
    expect(300 + resizeShift(300, 1200, 1100, 350)).toBe(24);
    expect(1500 + resizeShift(1500, 4000, 3840, 1024)).toBe(24);
  });

  it('leaves a too-big model scrolled past its start where it is', () => {
    expect(resizeShift(-500, 900, 1000, 400)).toBe(0);
  });

  it('keeps the centre of an empty canvas', () => {
    expect(resizeShift(0, 0, 800, 600)).toBe(-100);
  });
});
