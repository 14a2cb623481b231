/**
 * The model document and its history. Every edit goes through `commit` (one undo step); a drag goes through
 * `beginGesture` / `gesture` / `endGesture`, so it is one undo step however many frames it took.
 */
import { create } from 'zustand';
import { emptyDocument, type ModelDocument } from '../../engine/api/graph';

const HISTORY_LIMIT = 200;

export interface GraphState {
  doc: ModelDocument;
  past: ModelDocument[];
  future: ModelDocument[];
  /** The document as last saved or opened; the document is dirty when it is another object. */
  savedDoc: ModelDocument;
  /** The document before the gesture in progress, if any. */
  gestureStart: ModelDocument | null;
  commit(update: (doc: ModelDocument) => ModelDocument): void;
  /** Replaces the document, forgetting history (New, Open). */
  load(doc: ModelDocument): void;
  /** Replaces the document with work that was never saved (a recovered autosave): it loads dirty. */
  loadUnsaved(doc: ModelDocument): void;
  markSaved(): void;
  beginGesture(): void;
  gesture(update: (doc: ModelDocument) => ModelDocument): void;
  endGesture(): void;
  undo(): void;
  redo(): void;
}

const push = (past: ModelDocument[], doc: ModelDocument) => [...past.slice(-(HISTORY_LIMIT - 1)), doc];

const initial = emptyDocument();

export const useGraph = create<GraphState>()((set, get) => ({
  doc: initial,
  past: [],
  future: [],
  savedDoc: initial,
  gestureStart: null,
  commit(update) {
    const { doc, past } = get();
    const next = update(doc);
    if (next === doc) return;
    set({ doc: next, past: push(past, doc), future: [] });
  },
  load(doc) {
    set({ doc, past: [], future: [], savedDoc: doc, gestureStart: null });
  },
  loadUnsaved(doc) {
    // Dirty means doc !== savedDoc; the saved state is "nothing", so Save and the close prompt apply.
    set({ doc, past: [], future: [], savedDoc: emptyDocument(), gestureStart: null });
  },
  markSaved() {
    set({ savedDoc: get().doc });
  },
  beginGesture() {
    if (!get().gestureStart) set({ gestureStart: get().doc });
  },
  gesture(update) {
    const next = update(get().doc);
    if (next !== get().doc) set({ doc: next });
  },
  endGesture() {
    const { gestureStart, doc, past } = get();
    if (!gestureStart) return;
    if (gestureStart === doc) set({ gestureStart: null });
    else set({ gestureStart: null, past: push(past, gestureStart), future: [] });
  },
  undo() {
    get().endGesture();
    const { doc, past, future } = get();
    if (past.length === 0) return;
    set({ doc: past[past.length - 1], past: past.slice(0, -1), future: [doc, ...future] });
  },
  redo() {
    const { doc, past, future } = get();
    if (future.length === 0) return;
    set({ doc: future[0], past: push(past, doc), future: future.slice(1) });
  },
}));

export const isDirty = (s: GraphState) => s.doc !== s.savedDoc;
