/**
 * The desktop's autosave slot on a real disk: it reads back what was saved, ignores a damaged or foreign file,
 * says once that the window is back from a crash, and — killed mid-write, again and again — always holds a whole
 * snapshot, never half of one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecoveryStore } from '../../electron/main/recovery-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-recovery-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = {
  savedAt: 1764856920000,
  title: 'mnist.layercanvas.json',
  file: { name: 'mnist.layercanvas.json', path: '/home/u/mnist.layercanvas.json' },
  project: '{"formatVersion":1}',
};

describe('RecoveryStore', () => {
  it('keeps a snapshot until it is cleared, in a folder it creates', () => {
    const store = new RecoveryStore(join(dir, 'recovery', 'autosave.json'));
    expect(store.read()).toBeNull();
    store.save(snapshot);
    expect(store.read()).toEqual(snapshot);
    expect(new RecoveryStore(join(dir, 'recovery', 'autosave.json')).offer()).toEqual({ snapshot, afterCrash: false });
    store.clear();
    expect(store.read()).toBeNull();
    expect(() => store.clear()).not.toThrow();
  });

  it('offers the snapshot as after-a-crash once, on the reload that follows the crash', () => {
    const store = new RecoveryStore(join(dir, 'autosave.json'));
    store.save(snapshot);
    store.markCrashed();
    expect(store.offer()?.afterCrash).toBe(true);
    expect(store.offer()?.afterCrash).toBe(false);
  });

  it('ignores a damaged or foreign slot file instead of failing the start', () => {
    const file = join(dir, 'autosave.json');
    const store = new RecoveryStore(file);
    for (const text of [
      '{"savedAt": 1, "title": "t", "proj',
      '[]',
      '{"savedAt": "noon", "title": "t", "project": ""}',
      '\u0000\u0001',
    ]) {
      writeFileSync(file, text);
      expect(store.read(), text).toBeNull();
    }
  });

  it('always reads a whole snapshot after the writing process is killed at a random moment (8 kills)', async () => {
    const file = join(dir, 'autosave.json');
    const seen: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'support', 'recovery-writer.ts'), file], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 200));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const read = new RecoveryStore(file).read();
      expect(read, `round ${round}`).not.toBeNull();
      expect(read!.title).toBe(`snapshot ${read!.savedAt}`);
      expect(JSON.parse(read!.project).n).toBe(read!.savedAt);
      seen.push(read!.savedAt);
    }
    // The kills landed at different points of the loop, not always before the first write finished.
    expect(new Set(seen).size).toBeGreaterThan(1);
    // Only the slot and the temp files of writes cut short; nothing else appears beside it.
    expect(
      readdirSync(dir).every((f) => f === 'autosave.json' || /^\.autosave\.json\.[0-9a-f]{12}\.tmp$/.test(f)),
    ).toBe(true);
  }, 120_000);
});
