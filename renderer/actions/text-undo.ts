/**
 * Undo/Redo from the native menu while the user is typing: on Windows and Linux the menu accelerator takes Ctrl+Z
 * before the page sees it, so a text field or the code editor must get its own undo rather than the canvas's.
 */
type EditorUndo = (command: 'undo' | 'redo') => void;
let codeEditorUndo: EditorUndo | null = null;

export function registerCodeEditorUndo(handler: EditorUndo | null): void {
  codeEditorUndo = handler;
}

/** Performs undo/redo in the focused text field or code editor; false when the focus is not in one. */
export function textUndo(command: 'undo' | 'redo'): boolean {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return false;
  if (el.closest('.monaco-editor')) {
    codeEditorUndo?.(command);
    return true;
  }
  if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {
    // execCommand is deprecated but remains the only way to drive a field's native undo stack.
    document.execCommand(command);
    return true;
  }
  return false;
}
