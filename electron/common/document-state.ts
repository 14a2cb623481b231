/** Window title and the unsaved-changes prompt: the decisions, apart from the dialogs that show them. */

export interface DocumentState {
  title: string;
  dirty: boolean;
}

/** The title bar: file name, a dirty mark, the app name. macOS shows dirtiness in the close button instead. */
export function windowTitle(state: DocumentState, platform: string = 'linux'): string {
  const name = state.title.trim() || 'Untitled';
  const mark = state.dirty && platform !== 'darwin' ? '• ' : '';
  return `${mark}${name} — LayerCanvas`;
}

export const CLOSE_BUTTONS = ['Save', "Don't Save", 'Cancel'] as const;
export type CloseChoice = 'save' | 'discard' | 'cancel';

export function closePrompt(state: DocumentState): {
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
} {
  const name = state.title.trim() || 'Untitled';
  return {
    message: `Save the changes to ${name} before closing?`,
    detail: "Your changes will be lost if you don't save them.",
    buttons: [...CLOSE_BUTTONS],
    defaultId: 0,
    cancelId: 2,
  };
}

export function choiceFromButton(index: number): CloseChoice {
  return index === 0 ? 'save' : index === 1 ? 'discard' : 'cancel';
}

/**
 * The close decision for one window. Closing a dirty document prompts; "Save" asks the renderer to save and
 * closes once it reports the document clean; "Don't Save" closes; "Cancel" (or a save the user cancels) stays.
 */
export class CloseGuard {
  private current: DocumentState = { title: 'Untitled', dirty: false };
  private confirmed = false;
  private savingToClose = false;

  get state(): DocumentState {
    return this.current;
  }

  /** The window's close event: let it close, or prevent it and show the prompt. */
  onCloseRequested(): 'close' | 'prompt' {
    return !this.current.dirty || this.confirmed ? 'close' : 'prompt';
  }

  onPromptAnswer(choice: CloseChoice): 'close' | 'save-then-close' | 'stay' {
    if (choice === 'discard') {
      this.confirmed = true;
      return 'close';
    }
    if (choice === 'save') {
      this.savingToClose = true;
      return 'save-then-close';
    }
    return 'stay';
  }

  /** The renderer reported its state; 'close' when it just finished the save the close was waiting for. */
  onDocumentState(state: DocumentState): 'close' | 'none' {
    this.current = { title: state.title, dirty: state.dirty };
    if (this.savingToClose && !state.dirty) {
      this.savingToClose = false;
      this.confirmed = true;
      return 'close';
    }
    return 'none';
  }

  /** The user cancelled the save dialog: stay open, and the next close asks again. */
  onSaveCancelled(): void {
    this.savingToClose = false;
  }
}
