/** Open Recent, kept in the user-data folder as a JSON list. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addRecent, parseRecent } from '../common/recent-files';
import { writeFileDurable } from '../../engine/node/durable-write';

export class RecentStore {
  private list: string[];

  constructor(private readonly file: string) {
    let text: string | null = null;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // First run: no list yet.
    }
    this.list = parseRecent(text, existsSync);
  }

  get paths(): string[] {
    return [...this.list];
  }

  add(path: string): void {
    this.list = addRecent(this.list, path);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileDurable(this.file, JSON.stringify(this.list, null, 2));
    } catch (err) {
      console.warn(`Could not save the recent files list to ${this.file}: ${(err as Error).message}`);
    }
  }
}
