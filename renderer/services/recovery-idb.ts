/**
 * The browser host's autosave slot: one record in IndexedDB (database `layercanvas`, store `recovery`). IndexedDB
 * commits a transaction whole or not at all, so a browser killed mid-write leaves the previous snapshot. The slot
 * belongs to the page's origin, which `layercanvas serve` keeps the same from launch to launch (port 5917).
 */
import type { RecoveryOffer, RecoverySnapshot } from '../../common/host';

const DB_NAME = 'layercanvas';
const STORE = 'recovery';
const KEY = 'autosave';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export class IdbRecoverySlot {
  private db: Promise<IDBDatabase> | null = null;

  /** The factory is looked up when first used: pages without IndexedDB fail their autosave, not their start. */
  constructor(private readonly idb: () => IDBFactory = () => indexedDB) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = this.idb().open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another LayerCanvas page'));
    });
    // A failed open (private mode, storage off) may work later; don't keep the rejection.
    this.db.catch(() => (this.db = null));
    return this.db;
  }

  private async run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(STORE, mode);
    const result = request(op(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    return result;
  }

  async read(): Promise<RecoveryOffer | null> {
    const value = await this.run('readonly', (store) => store.get(KEY) as IDBRequest<unknown>);
    const snapshot = checkSnapshot(value);
    return snapshot ? { snapshot, afterCrash: false } : null;
  }

  async write(snapshot: RecoverySnapshot): Promise<void> {
    await this.run('readwrite', (store) => store.put(snapshot, KEY));
  }

  async clear(): Promise<void> {
    await this.run('readwrite', (store) => store.delete(KEY));
  }
}

/** A stored value is used only if it has the snapshot's shape (an older or damaged record is ignored). */
export function checkSnapshot(value: unknown): RecoverySnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (
    typeof v.savedAt !== 'number' ||
    !Number.isFinite(v.savedAt) ||
    typeof v.title !== 'string' ||
    typeof v.project !== 'string'
  )
    return null;
  const file = v.file as { name?: unknown; path?: unknown } | undefined;
  if (file !== undefined && (typeof file !== 'object' || file === null || typeof file.name !== 'string')) return null;
  const out: RecoverySnapshot = { savedAt: v.savedAt, title: v.title, project: v.project };
  if (file)
    out.file =
      typeof file.path === 'string' ? { name: file.name as string, path: file.path } : { name: file.name as string };
  return out;
}
