import { describe, expect, it } from 'vitest';
import { choiceFromButton, closePrompt, CloseGuard, windowTitle } from '../../electron/common/document-state';

describe('window title', () => {
  it('shows the file name, a dirty mark, and the app name', () => {
    expect(windowTitle({ title: 'mnist.layercanvas.json', dirty: false })).toBe('mnist.layercanvas.json — LayerCanvas');
    expect(windowTitle({ title: 'mnist.layercanvas.json', dirty: true })).toBe(
      '• mnist.layercanvas.json — LayerCanvas',
    );
    expect(windowTitle({ title: '  ', dirty: false })).toBe('Untitled — LayerCanvas');
  });

  it('leaves the dirty mark to the close button on macOS', () => {
    expect(windowTitle({ title: 'a.py', dirty: true }, 'darwin')).toBe('a.py — LayerCanvas');
  });
});

describe('close prompt', () => {
  it('closes a clean document without asking', () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'a', dirty: false });
    expect(guard.onCloseRequested()).toBe('close');
  });

  it('asks before closing a dirty document, naming it', () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'resnet.layercanvas.json', dirty: true });
    expect(guard.onCloseRequested()).toBe('prompt');
    const prompt = closePrompt(guard.state);
    expect(prompt.message).toContain('resnet.layercanvas.json');
    expect(prompt.buttons[prompt.cancelId]).toBe('Cancel');
    expect(prompt.buttons[prompt.defaultId]).toBe('Save');
  });

  it("Don't Save closes, and the close that follows is not asked again", () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'a', dirty: true });
    expect(guard.onPromptAnswer(choiceFromButton(1))).toBe('close');
    expect(guard.onCloseRequested()).toBe('close');
  });

  it('Cancel (or Escape) keeps the window open and asks again next time', () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'a', dirty: true });
    expect(guard.onPromptAnswer(choiceFromButton(2))).toBe('stay');
    expect(guard.onCloseRequested()).toBe('prompt');
  });

  it('Save closes only once the renderer reports the document clean', () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'a', dirty: true });
    expect(guard.onPromptAnswer(choiceFromButton(0))).toBe('save-then-close');
    expect(guard.onDocumentState({ title: 'a', dirty: true })).toBe('none');
    expect(guard.onDocumentState({ title: 'a.layercanvas.json', dirty: false })).toBe('close');
    expect(guard.onCloseRequested()).toBe('close');
  });

  it('a cancelled save dialog keeps the window, and a later clean state does not close it', () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'a', dirty: true });
    guard.onPromptAnswer('save');
    guard.onSaveCancelled();
    expect(guard.onCloseRequested()).toBe('prompt');
    expect(guard.onDocumentState({ title: 'a', dirty: false })).toBe('none');
  });

  it('a clean save while no close is pending does not close the window', () => {
    const guard = new CloseGuard();
    guard.onDocumentState({ title: 'a', dirty: true });
    expect(guard.onDocumentState({ title: 'a', dirty: false })).toBe('none');
  });
});
