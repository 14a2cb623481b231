/**
 * Autosave against a recording slot, with the real stores and project writer: a change is written a few seconds
 * later (and a burst of changes doesn't push it back forever), saving or undoing to the saved state empties the
 * slot, and a snapshot restores the same model as unsaved work with its runs.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readProject } from '../../../engine/formats/project';
import { getTemplate } from '../../../engine/graph/templates';
import type { RecoverySnapshot } from '../../../common/host';

vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 0));
const { restoreSnapshot, snapshotTime, startAutosave, takeSnapshot } = await import(
  '../../../renderer/actions/autosave'
);
// The project writer loads on first use; load it now so fake time doesn't race a real module load.
await import('../../../renderer/actions/formats');
const { isDirty, useGraph } = await import('../../../renderer/stores/graph');
const { useUi } = await import('../../../renderer/stores/ui');

function recordingSlot() {
  const log: (['write', RecoverySnapshot] | ['clear'])[] = [];
  return {
    log,
    writes: () => log.filter((e) => e[0] === 'write').map((e) => e[1] as RecoverySnapshot),
    slot: {
      writeRecovery: vi.fn(async (s: RecoverySnapshot) => void log.push(['write', s])),
      clearRecovery: vi.fn(async () => void log.push(['clear'])),
    },
  };
}

const rename = (name: string) => useGraph.getState().commit((d) => ({ ...d, name }));

beforeEach(() => {
  vi.useFakeTimers();
  useGraph.getState().load(getTemplate('article-mlp')!.build());
  useUi.getState().setFile({ name: 'mlp.layercanvas.json', path: '/home/u/mlp.layercanvas.json' });
});
afterEach(() => vi.useRealTimers());

describe('autosave', () => {
  it('writes the unsaved model a few seconds after a change, as a project file that reads back', async () => {
    const { slot, writes } = recordingSlot();
    const autosave = startAutosave(slot, 3000);
    rename('edited');
    await vi.advanceTimersByTimeAsync(2900);
    expect(writes()).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(writes()).toHaveLength(1);
    const [snap] = writes();
    expect(snap.title).toBe('mlp.layercanvas.json');
    expect(snap.file).toEqual({ name: 'mlp.layercanvas.json', path: '/home/u/mlp.layercanvas.json' });
    const back = readProject(snap.project);
    expect(back.ok && back.document.name).toBe('edited');
    autosave.stop();
  });

  it('keeps saving every few seconds through a long burst of edits, and skips a write when nothing changed', async () => {
    const { slot, writes } = recordingSlot();
    const autosave = startAutosave(slot, 3000);
    for (let i = 0; i < 20; i += 1) {
      rename(`edit ${i}`);
      await vi.advanceTimersByTimeAsync(500);
    }
    // 10 s of edits every half second: written at 3, 6 and 9 s, not once at the end.
    expect(writes().map((s) => (readProject(s.project) as { document: { name: string } }).document.name)).toEqual([
      'edit 5',
      'edit 11',
      'edit 17',
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(writes()).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(writes()).toHaveLength(4);
    autosave.stop();
  });

  it('empties the slot once the work is saved, or undone back to the saved state', async () => {
    const { slot, log } = recordingSlot();
    const autosave = startAutosave(slot, 3000);
    // Starting on a clean document empties the slot (the offer at start was already settled).
    await autosave.flush();
    expect(log.map((e) => e[0])).toEqual(['clear']);
    log.length = 0;
    rename('a');
    await vi.advanceTimersByTimeAsync(3000);
    useGraph.getState().markSaved();
    await autosave.flush();
    expect(log.map((e) => e[0])).toEqual(['write', 'clear']);
    rename('b');
    useGraph.getState().undo();
    await vi.advanceTimersByTimeAsync(5000);
    // Undone before the timer: nothing written, and the (already empty) slot isn't cleared twice.
    expect(log.map((e) => e[0])).toEqual(['write', 'clear']);
    autosave.stop();
  });

  it('a save empties the slot at once, even while a write is in flight, and a snapshot still being taken is dropped', async () => {
    // A slot that keeps the last write unless cleared after it, with writes that take a while (a busy disk).
    let held: RecoverySnapshot | null = null;
    let finishWrite: (() => void) | null = null;
    const slot = {
      writeRecovery: vi.fn(
        (s: RecoverySnapshot) =>
          new Promise<void>((resolve) => {
            held = s;
            finishWrite = resolve;
          }),
      ),
      clearRecovery: vi.fn(async () => {
        held = null;
      }),
    };
    const autosave = startAutosave(slot, 1000);
    await autosave.flush();
    rename('in flight');
    await vi.advanceTimersByTimeAsync(1000);
    expect(slot.writeRecovery).toHaveBeenCalledTimes(1);
    // Saved while that write hasn't finished: the clear goes out now, not after the write (the page may close next).
    const clearsBefore = slot.clearRecovery.mock.calls.length;
    useGraph.getState().markSaved();
    expect(slot.clearRecovery).toHaveBeenCalledTimes(clearsBefore + 1);
    expect(held).toBeNull();
    (finishWrite as (() => void) | null)?.();
    await autosave.flush();
    expect(held).toBeNull();
    // An edit whose snapshot is still being taken when the work is saved never reaches the slot.
    rename('snapshot pending');
    const pending = autosave.flush();
    useGraph.getState().markSaved();
    await pending;
    expect(slot.writeRecovery).toHaveBeenCalledTimes(1);
    expect(held).toBeNull();
    autosave.stop();
  });

  it('says once when the slot cannot be written, and tries again with the next change', async () => {
    const { slot, writes } = recordingSlot();
    slot.writeRecovery.mockRejectedValueOnce(new Error('QuotaExceededError'));
    const autosave = startAutosave(slot, 1000);
    rename('x');
    await vi.advanceTimersByTimeAsync(1000);
    expect(useUi.getState().notice).toMatchObject({
      kind: 'error',
      text: 'Autosave failed: QuotaExceededError. Save your work to keep it.',
    });
    rename('y');
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes()).toHaveLength(1);
    autosave.stop();
  });
});

describe('recovery', () => {
  it('restores a snapshot as unsaved work, under its file, and says from when', async () => {
    rename('recover me');
    const snap = await takeSnapshot(useGraph.getState().doc, new Date(2026, 11, 4, 14, 2).getTime());
    useGraph.getState().load(getTemplate('article-cnn')!.build());
    useUi.getState().setFile(null);
    vi.setSystemTime(new Date(2026, 11, 4, 15, 0));
    expect(await restoreSnapshot(snap)).toBe(true);
    const state = useGraph.getState();
    expect(state.doc.name).toBe('recover me');
    expect(isDirty(state)).toBe(true);
    expect(useUi.getState().file?.name).toBe('mlp.layercanvas.json');
    expect(useUi.getState().notice?.text).toBe('Recovered the unsaved model from 14:02; save it to keep it');
  });

  it('refuses a snapshot that is not a project, in one line, and leaves the canvas alone', async () => {
    const before = useGraph.getState().doc;
    expect(await restoreSnapshot({ savedAt: Date.now(), title: 't', project: '{"formatVersion": 1' })).toBe(false);
    expect(useGraph.getState().doc).toBe(before);
    expect(useUi.getState().notice?.kind).toBe('error');
    expect(useUi.getState().notice?.text).toMatch(/^The unsaved model from \d\d:\d\d could not be recovered: /);
  });

  it('names the time as the clock shows it: the time today, the date too on another day', () => {
    const now = new Date(2026, 11, 4, 18, 0).getTime();
    expect(snapshotTime(new Date(2026, 11, 4, 14, 2).getTime(), now)).toBe('14:02');
    expect(snapshotTime(new Date(2026, 11, 3, 9, 5).getTime(), now)).toMatch(/^3 Dec 09:05$|^Dec 3 09:05$/);
  });
});
