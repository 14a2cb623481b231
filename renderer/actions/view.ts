/** What actions outside the canvas need from it (fit the view, the measured node sizes); the canvas registers it. */
export interface CanvasView {
  fitView(): void;
  sizes(): Map<string, { width: number; height: number }>;
  /** Pans (keeping the zoom) so the node is in view, when it is not. */
  reveal(id: string): void;
  /** The pan and zoom, as a project file keeps them. */
  viewport(): { x: number; y: number; zoom: number };
  setViewport(v: { x: number; y: number; zoom: number }): void;
}

let view: CanvasView | null = null;

export function registerCanvasView(v: CanvasView | null): void {
  view = v;
}

/** Fits now (the canvas's own Fit button: after React Flow's fit, the readable one of canvas/fit.ts). */
export function fitNow(): void {
  view?.fitView();
}

/** Fits after React Flow has measured the new nodes. */
export function fitSoon(): void {
  requestAnimationFrame(() => requestAnimationFrame(() => view?.fitView()));
}

export function measuredSizes(): Map<string, { width: number; height: number }> {
  return view?.sizes() ?? new Map();
}

/** Brings a just-added node into view once React Flow has measured it. */
export function revealSoon(id: string): void {
  requestAnimationFrame(() => requestAnimationFrame(() => view?.reveal(id)));
}

export function currentViewport(): { x: number; y: number; zoom: number } | undefined {
  return view?.viewport();
}

/** Restores a saved pan and zoom once React Flow has measured the new nodes (instead of fitting). */
export function restoreViewportSoon(v: { x: number; y: number; zoom: number }): void {
  requestAnimationFrame(() => requestAnimationFrame(() => view?.setViewport(v)));
}
