/**
 * Small JSON files in the user-data folder (recent files, window state, theme): read leniently, written durably,
 * and never an error for the user, since each is a convenience that has a sensible default.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileDurable } from '../../engine/node/durable-write';

/** The file's text, or null when there is none yet (first run) or it can't be read. */
export function readStore(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Save `value` as JSON; a failure is logged with what was being saved, and the app goes on. */
export function writeStore(file: string, value: unknown, what: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileDurable(file, JSON.stringify(value, null, 2));
  } catch (err) {
    console.warn(`Could not save ${what} to ${file}: ${(err as Error).message}`);
  }
}
