/**
 * Autosave and recovery. A few seconds after the model changes (and every few seconds while it keeps changing),
 * the unsaved work goes to the host's recovery slot as a project file; saving, or getting back to the saved
 * state, empties the slot. At start the page offers what the slot holds: "Recover the unsaved model from 14:02?".
 */
import type { ModelDocument } from '../../engine/api/graph';
import type { Host, RecoverySnapshot } from '../../common/host';
import { isDirty, useGraph, type GraphState } from '../stores/graph';
import { restoreRuns, serializableRuns } from '../stores/training';
import { useUi } from '../stores/ui';
import { currentViewport, fitSoon, restoreViewportSoon } from './view';

export const AUTOSAVE_DELAY_MS = 3000;

type Slot = Pick<Host, 'writeRecovery' | 'clearRecovery'>;

/** The snapshot of the current work, as a project file with the viewport and the finished runs. */
export async function takeSnapshot(doc: ModelDocument, now = Date.now()): Promise<RecoverySnapshot> {
  const { writeProject } = await import('./formats');
  const file = useUi.getState().file;
  return {
    savedAt: now,
    title: file?.name ?? doc.name ?? 'model',
    ...(file ? { file: { ...file } } : {}),
    project: writeProject(doc, { viewport: currentViewport(), runs: serializableRuns() }),
  };
}

export interface Autosave {
  /** Write now what is pending (tests; closing). */
  flush(): Promise<void>;
  stop(): void;
}

/**
 * Watches the document: dirty → a write within `delayMs` (not pushed back by further edits, so a long burst of
 * editing is still saved every few seconds); clean (saved, or undone to the saved state) → the slot is emptied at
 * once.
 * Writes never overlap; a failed write is reported once in the status bar and retried with the next change.
 */
export function startAutosave(slot: Slot, delayMs = AUTOSAVE_DELAY_MS): Autosave {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let written: ModelDocument | null = null;
  let slotEmpty = false;
  let chain: Promise<void> = Promise.resolve();
  let warned = false;
  /** Bumped each time the work becomes clean: a snapshot taken before that must not reach the slot after it. */
  let cleaned = 0;

  const write = (): Promise<void> => {
    timer = null;
    chain = chain.then(async () => {
      const state = useGraph.getState();
      if (!isDirty(state) || state.doc === written) return;
      const doc = state.doc;
      const generation = cleaned;
      try {
        const snapshot = await takeSnapshot(doc);
        if (generation !== cleaned) return;
        // Handed to the slot: from here on a save must empty it, even before this write completes.
        slotEmpty = false;
        await slot.writeRecovery(snapshot);
        written = doc;
        warned = false;
      } catch (err) {
        if (!warned)
          useUi
            .getState()
            .notify(`Autosave failed: ${(err as Error)?.message ?? String(err)}. Save your work to keep it.`, 'error');
        warned = true;
      }
    });
    return chain;
  };

  const onChange = (state: GraphState) => {
    if (isDirty(state)) {
      if (timer === null && state.doc !== written) timer = setTimeout(() => void write(), delayMs);
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = null;
    written = null;
    cleaned++;
    if (slotEmpty) return;
    slotEmpty = true;
    // At once, not behind a write in flight: the page may close right after a save, and the next start must not
    // offer back what was saved. A write already handed to the slot lands first (the slot keeps their order); one
    // still taking its snapshot is dropped (`cleaned`).
    const cleared = slot.clearRecovery().catch(() => {});
    chain = chain.then(() => cleared);
  };

  const unsubscribe = useGraph.subscribe(onChange);
  onChange(useGraph.getState());
  return {
    flush: () => (timer !== null ? (clearTimeout(timer), write()) : chain),
    stop: () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** "14:02" today, "3 Dec 14:02" another day: when the snapshot was taken, in the user's clock. */
export function snapshotTime(savedAt: number, now = Date.now()): string {
  const at = new Date(savedAt);
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
  return new Date(now).toDateString() === at.toDateString()
    ? time
    : `${at.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`;
}

/** Puts the snapshot's model on the canvas as unsaved work (with its runs and view); false when it can't be read. */
export async function restoreSnapshot(snapshot: RecoverySnapshot): Promise<boolean> {
  const { readProjectFile } = await import('./formats');
  const read = readProjectFile(snapshot.project);
  const when = snapshotTime(snapshot.savedAt);
  if (!read.ok) {
    useUi
      .getState()
      .notify(
        `The unsaved model from ${when} could not be recovered: ${read.errors[0]?.message ?? 'unreadable'}`,
        'error',
      );
    return false;
  }
  useGraph.getState().loadUnsaved(read.document);
  restoreRuns(read.runs ?? []);
  useUi.getState().setFile(snapshot.file ?? null);
  useUi.getState().select([]);
  const warn = read.warnings.length ? ` (${read.warnings.length} warning(s): ${read.warnings[0].message})` : '';
  useUi.getState().notify(`Recovered the unsaved model from ${when}; save it to keep it${warn}`);
  if (read.viewport) restoreViewportSoon(read.viewport);
  else fitSoon();
  return true;
}
