import { describe, expect, it } from 'vitest';
import { fitViewport, READABLE_FIT_MAX_NODES, READABLE_ZOOM } from '../../../renderer/canvas/fit';

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
