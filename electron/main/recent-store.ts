/** Open Recent, kept in the user-data folder as a JSON list. */
import { existsSync } from 'node:fs';
import { addRecent, parseRecent } from '../common/recent-files';
import { readStore, writeStore } from './json-store';

export class RecentStore {
  private list: string[];

  constructor(private readonly file: string) {
    this.list = parseRecent(readStore(file), existsSync);
  }

  get paths(): string[] {
    return [...this.list];
  }

  add(path: string): void {
    this.list = addRecent(this.list, path);
    writeStore(this.file, this.list, 'the recent files list');
  }

  clear(): void {
    this.list = [];
    writeStore(this.file, this.list, 'the recent files list');
  }
}
