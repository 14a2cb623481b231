/** Canvas edits started from the keyboard, the palette or the top bar; each is one undo step. */
import type { ProblemFix } from '../../engine/api/core';
import { applyFix } from '../../engine/api/graph';
import { addNodeBelow, copyFragment, pasteFragment, removeItems, type Fragment } from '../stores/edits';
import { useGraph } from '../stores/graph';
import { useUi } from '../stores/ui';
import { revealSoon } from './view';

// The clipboard lives in the page: layers are pasted into this window's model, not other apps.
let clipboard: Fragment | null = null;
let pasteCount = 0;

/** Adds a layer below the selected one, connected to it when that is a valid connection. */
export function addLayer(className: string): void {
  const selected = useUi.getState().selectedNodes;
  let id = '';
  useGraph.getState().commit((d) => {
    const r = addNodeBelow(d, className, selected.length === 1 ? selected[0] : null);
    id = r.id;
    return r.doc;
  });
  if (id) {
    useUi.getState().select([id]);
    revealSoon(id);
  }
}

/** Deletes the selected layers and connections; with `reconnect`, each removed layer's producers feed its consumers. */
export function deleteSelection(reconnect = false): void {
  const { selectedNodes, selectedEdges } = useUi.getState();
  if (!selectedNodes.length && !selectedEdges.length) return;
  useGraph.getState().commit((d) => removeItems(d, selectedNodes, selectedEdges, reconnect));
  useUi.getState().select([]);
}

export function copySelection(): boolean {
  const ids = useUi.getState().selectedNodes;
  if (!ids.length) return false;
  clipboard = copyFragment(useGraph.getState().doc, ids);
  pasteCount = 0;
  return true;
}

export function paste(): void {
  if (!clipboard || !clipboard.nodes.length) return;
  pasteCount++;
  const fragment = clipboard;
  let ids: string[] = [];
  useGraph.getState().commit((d) => {
    const r = pasteFragment(d, fragment, { x: 40 * pasteCount, y: 40 * pasteCount });
    ids = r.ids;
    return r.doc;
  });
  useUi.getState().select(ids);
  if (ids.length) revealSoon(ids[0]);
}

export function duplicateSelection(): void {
  const ids = useUi.getState().selectedNodes;
  if (!ids.length) return;
  const fragment = copyFragment(useGraph.getState().doc, ids);
  let pasted: string[] = [];
  useGraph.getState().commit((d) => {
    const r = pasteFragment(d, fragment);
    pasted = r.ids;
    return r.doc;
  });
  useUi.getState().select(pasted);
  if (pasted.length) revealSoon(pasted[0]);
}

/** Applies problems' fixes, in order, as one undo step (a "fix all" is undone at once too). */
export function applyFixes(fixes: readonly ProblemFix[]): void {
  if (!fixes.length) return;
  useGraph.getState().commit((d) => fixes.reduce((doc, fix) => applyFix(doc, fix), d));
}
