/** Keyboard shortcuts of the editor window; text fields and the code editor keep their own keys. */
import { useGraph } from '../stores/graph';
import { copySelection, deleteSelection, duplicateSelection, paste } from './edit-actions';
import { openFile, save } from './document-actions';

function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.monaco-editor')) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

export function handleShortcut(e: KeyboardEvent): void {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  // Save and Open work everywhere, even while typing.
  if (mod && key === 's') {
    e.preventDefault();
    void save(e.shiftKey);
    return;
  }
  if (mod && key === 'o') {
    e.preventDefault();
    void openFile();
    return;
  }
  if (isTextTarget(e.target)) return;
  const graph = useGraph.getState();
  if (mod && key === 'z') {
    e.preventDefault();
    if (e.shiftKey) graph.redo();
    else graph.undo();
  } else if (mod && key === 'y') {
    e.preventDefault();
    graph.redo();
  } else if (mod && key === 'c') {
    if (copySelection()) e.preventDefault();
  } else if (mod && key === 'x') {
    if (copySelection()) {
      e.preventDefault();
      deleteSelection();
    }
  } else if (mod && key === 'v') {
    e.preventDefault();
    paste();
  } else if (mod && key === 'd') {
    e.preventDefault();
    duplicateSelection();
  } else if (e.key === 'Delete' || e.key === 'Backspace') {
    // Delete leaves the gap; Ctrl+Delete closes it, so a layer comes out of a chain without redrawing an edge.
    e.preventDefault();
    deleteSelection(mod);
  }
}

/**
 * Copy/paste that arrive as clipboard events rather than keys: the desktop menu's Copy and Paste roles (which take
 * Ctrl+C/V on Windows and Linux before the page sees the key) and the browser's own Edit menu.
 */
export function handleClipboardEvent(e: ClipboardEvent): void {
  if (isTextTarget(e.target) || isTextTarget(document.activeElement)) return;
  if (e.type === 'copy') {
    if (copySelection()) e.preventDefault();
  } else if (e.type === 'cut') {
    if (copySelection()) {
      e.preventDefault();
      deleteSelection();
    }
  } else if (e.type === 'paste') {
    e.preventDefault();
    paste();
  }
}
