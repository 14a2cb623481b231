/**
 * The bar between the canvas and the bottom panel: drag it (or focus it and press ↑/↓) to give the panel more or
 * less room; a double click goes back to the default height. The height is kept per kind of tab.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { DEFAULT_PANEL_HEIGHTS, MIN_PANEL_HEIGHT, type PanelKind, useUi } from '../stores/ui';

/** The top bar, the status bar and a canvas still worth having stay on screen. */
const RESERVED = 44 + 26 + 160;

export function maxPanelHeight(windowHeight: number): number {
  return Math.max(MIN_PANEL_HEIGHT, windowHeight - RESERVED);
}

/**
 * The training tabs' share of the room between the top and status bars while the user has not dragged the splitter
 * (the stored height is still the default): 45%, so at 1024×700 the Train tab gets 284 px and the canvas 346 (a
 * fixed 340 left the canvas 290), and on a 4K screen the charts grow with the window instead of staying 340 px.
 */
export const TRAINING_SHARE = 0.45;

export function panelHeight(kind: PanelKind, stored: number, windowHeight: number): number {
  if (kind === 'training' && stored === DEFAULT_PANEL_HEIGHTS.training)
    return clampPanelHeight(Math.max(260, (windowHeight - 44 - 26) * TRAINING_SHARE), windowHeight);
  return clampPanelHeight(stored, windowHeight);
}

export function clampPanelHeight(height: number, windowHeight: number): number {
  return Math.min(maxPanelHeight(windowHeight), Math.max(MIN_PANEL_HEIGHT, Math.round(height)));
}

export function PanelSplitter({ kind, height }: { kind: PanelKind; height: number }) {
  const drag = useRef<{ y: number; height: number } | null>(null);
  const set = (h: number) => useUi.getState().setPanelHeight(kind, clampPanelHeight(h, window.innerHeight));
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { y: e.clientY, height };
    e.preventDefault();
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) set(drag.current.height + drag.current.y - e.clientY);
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 64 : 16;
    if (e.key === 'ArrowUp') set(height + step);
    else if (e.key === 'ArrowDown') set(height - step);
    else if (e.key === 'Home') set(MIN_PANEL_HEIGHT);
    else if (e.key === 'End') set(maxPanelHeight(window.innerHeight));
    else return;
    e.preventDefault();
  };
  return (
    <div
      className="panel-splitter"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the bottom panel"
      aria-valuemin={MIN_PANEL_HEIGHT}
      aria-valuemax={typeof window === 'undefined' ? undefined : maxPanelHeight(window.innerHeight)}
      aria-valuenow={height}
      tabIndex={0}
      title="Drag to resize the panel; double-click for its default height"
      data-testid="panel-splitter"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={() => set(DEFAULT_PANEL_HEIGHTS[kind])}
      onKeyDown={onKeyDown}
    />
  );
}
