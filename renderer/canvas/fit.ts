/**
 * Fit view that keeps a small model readable. Fitting a 12-layer chain into the 346 px the canvas has at 1024×700
 * zooms to 0.25, where layers are drawn as unnamed blocks (zoomLevel in Canvas.tsx). A model of up to
 * READABLE_FIT_MAX_NODES layers is therefore never fitted below READABLE_ZOOM: it is shown from its top (where the
 * Input is) and centred across, and the rest is a scroll away. Bigger models are fitted whole, as an overview.
 */
import { getViewportForBounds, type Rect, type Viewport } from '@xyflow/react';

/** The lowest zoom a fit picks for a small model: layer names are drawn from 0.28 (Canvas.tsx zoomLevel). */
export const READABLE_ZOOM = 0.3;
/** Above this many layers a fit shows the whole model, even as blocks: its shape is what matters then. */
export const READABLE_FIT_MAX_NODES = 60;
const PADDING = 0.08;

export function fitViewport(
  bounds: Rect,
  pane: { width: number; height: number },
  nodeCount: number,
  limits: { minZoom: number; maxZoom: number } = { minZoom: 0.2, maxZoom: 1 },
): Viewport {
  const whole = getViewportForBounds(bounds, pane.width, pane.height, limits.minZoom, limits.maxZoom, PADDING);
  if (whole.zoom >= READABLE_ZOOM || nodeCount > READABLE_FIT_MAX_NODES) return whole;
  const zoom = READABLE_ZOOM;
  const margin = Math.round(Math.min(pane.width, pane.height) * PADDING * 0.5);
  const width = bounds.width * zoom;
  // Centred when it fits across, else from its left edge; from its top either way.
  const x = width <= pane.width - 2 * margin ? (pane.width - width) / 2 - bounds.x * zoom : margin - bounds.x * zoom;
  return { x, y: margin - bounds.y * zoom, zoom };
}

/**
 * How far to move the view along one axis when the canvas changes from `before` to `after` pixels, given where the
 * model's bounds sit on screen (`start`..`end`, before the move). Least motion that keeps the model in sight: nothing
 * moves while the model stays whole in view (a bottom panel opening leaves the Input where it was); a model that
 * still fits is slid just enough to be whole again (one fitted in the middle of a 4K window, then shrunk to
 * 1024×700); one that no longer fits is brought up to start a small margin in, so that as much of it shows as can,
 * from its start (an Input near the edge stays put), and one scrolled past its start is left where it is.
 */
export function resizeShift(start: number, end: number, before: number, after: number): number {
  if (!(end > start) || before <= 0 || after <= 0) return (after - before) / 2;
  const clamp = (s: number, lo: number, hi: number) => Math.min(Math.max(s, lo), hi);
  if (end - start <= after) return clamp(0, -start, after - end);
  const margin = Math.min(RESIZE_MARGIN, after / 4);
  return clamp(0, after - end, margin - start);
}

/** How far in from the canvas's edge a model that no longer fits starts after a resize (px). */
const RESIZE_MARGIN = 24;
