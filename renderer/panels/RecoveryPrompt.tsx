/**
 * At start: the autosave slot's unsaved model, offered back ("Recover the unsaved model from 14:02?") with
 * Recover and Discard. After a renderer crash (desktop) it is restored without asking. Autosave starts once the
 * question is settled, so new edits never overwrite the snapshot still on offer.
 */
import { useEffect, useRef, useState } from 'react';
import { restoreSnapshot, snapshotTime, startAutosave, type Autosave } from '../actions/autosave';
import { getHost } from '../services/host-instance';
import type { RecoveryOffer } from '../../common/host';

export function RecoveryPrompt() {
  const [offer, setOffer] = useState<RecoveryOffer | null>(null);
  const autosave = useRef<Autosave | null>(null);

  useEffect(() => {
    let live = true;
    const begin = () => {
      if (live && !autosave.current) autosave.current = startAutosave(getHost());
    };
    getHost()
      .readRecovery()
      .then(async (found) => {
        if (!live) return;
        if (!found) begin();
        else if (found.afterCrash) {
          await restoreSnapshot(found.snapshot);
          begin();
        } else setOffer(found);
      })
      // No slot to read (storage off): autosave will say so when it first fails to write.
      .catch(begin);
    return () => {
      live = false;
      autosave.current?.stop();
      autosave.current = null;
    };
  }, []);

  if (!offer) return null;
  const settle = async (recover: boolean) => {
    setOffer(null);
    if (recover) await restoreSnapshot(offer.snapshot);
    else
      await getHost()
        .clearRecovery()
        .catch(() => {});
    autosave.current ??= startAutosave(getHost());
  };
  const { snapshot } = offer;
  return (
    <div className="recovery-backdrop">
      <div
        className="recovery-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="recovery-title"
        data-testid="recovery-prompt"
      >
        <h2 id="recovery-title">Recover the unsaved model from {snapshotTime(snapshot.savedAt)}?</h2>
        <p>
          <b>{snapshot.title}</b> had changes that were not saved when LayerCanvas last closed. Recover puts them on the
          canvas as unsaved work; Discard deletes them.
        </p>
        <div className="recovery-actions">
          <button
            type="button"
            className="primary"
            data-testid="recovery-recover"
            onClick={() => void settle(true)}
            autoFocus
          >
            Recover
          </button>
          <button type="button" data-testid="recovery-discard" onClick={() => void settle(false)}>
            Discard
          </button>
        </div>
      </div>
    </div>
  );
}
