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
