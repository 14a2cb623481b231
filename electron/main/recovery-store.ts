/**
 * The desktop's autosave slot: one JSON file under userData (`recovery/autosave.json`), written by the durable-save
 * helper (temp file, fsync, rename, fsync of the folder) so an app killed mid-write leaves the previous snapshot,
 * never half of one. Also remembers whether the
 * window is reloading after its renderer crashed, so the page restores the snapshot without asking.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecoveryOffer, RecoverySnapshot } from '../../common/host';
import { recoverySnapshotSchema } from '../common/ipc-schemas';
import { writeFileDurable } from '../../engine/node/durable-write';

export class RecoveryStore {
  private crashed = false;

  constructor(
    private readonly file: string,
    private readonly write: (path: string, data: string) => void = (path, data) => void writeFileDurable(path, data),
  ) {}

  /** The snapshot, or null when there is none or it can't be read (a damaged file is left for a person to see). */
  read(): RecoverySnapshot | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = recoverySnapshotSchema.safeParse(JSON.parse(text));
      return parsed.success ? (parsed.data as RecoverySnapshot) : null;
    } catch {
      return null;
    }
  }

  /** What the page is offered at start: the snapshot, and whether this start is the reload after a crash. */
  offer(): RecoveryOffer | null {
    const snapshot = this.read();
    const afterCrash = this.crashed;
    this.crashed = false;
    return snapshot ? { snapshot, afterCrash } : null;
  }

  save(snapshot: RecoverySnapshot): void {
    mkdirSync(dirname(this.file), { recursive: true });
    this.write(this.file, JSON.stringify(snapshot));
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }

  /** The renderer died; the reload that follows restores the snapshot at once. */
  markCrashed(): void {
    this.crashed = true;
  }
}
