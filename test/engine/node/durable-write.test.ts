import fs, {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SaveError, saveTarget, writeFileDurable, writeFilesDurable } from '../../../engine/node/durable-write';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-save-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const onlyFiles = (d: string) => readdirSync(d).sort();

describe('durable saves', () => {
  it('keeps an existing file mode (0600 stays 0600)', () => {
    const path = join(dir, 'private.layercanvas.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o600);
    writeFileDurable(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('gives a new file the usual mode, less the umask', () => {
    const path = join(dir, 'new.py');
    writeFileDurable(path, 'x = 1\n');
    const umask = process.umask();
    expect(statSync(path).mode & 0o777).toBe(0o666 & ~umask);
  });

  it('updates the target of a symlink and keeps the link', () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'model.json');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.json');
    symlinkSync(join('real', 'model.json'), link);
    const written = writeFileDurable(link, 'new');
    expect(written).toBe(fs.realpathSync(target));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join('real', 'model.json'));
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(onlyFiles(join(dir, 'real'))).toEqual(['model.json']);
  });

  it('creates the file a dangling symlink points at', () => {
    const link = join(dir, 'link.json');
    symlinkSync('later.json', link);
    writeFileDurable(link, 'made');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'later.json'), 'utf8')).toBe('made');
  });

  it('fsyncs the file and then its folder, before and after the rename', () => {
    const calls: string[] = [];
    const fsync = vi.spyOn(fs, 'fsyncSync').mockImplementation(() => calls.push('fsync'));
    const rename = vi.spyOn(fs, 'renameSync');
    rename.mockImplementation((a, b) => {
      calls.push('rename');
      rename.mockRestore();
      fs.renameSync(a, b);
    });
    writeFileDurable(join(dir, 'a.json'), '{}');
    expect(fsync).toHaveBeenCalledTimes(2);
    expect(calls).toEqual(['fsync', 'rename', 'fsync']);
  });

  it('leaves no temporary file behind after a save', () => {
    const path = join(dir, 'a.json');
    writeFileDurable(path, '1');
    writeFileDurable(path, new Uint8Array([50]));
    expect(onlyFiles(dir)).toEqual(['a.json']);
    expect(readFileSync(path, 'utf8')).toBe('2');
  });

  it('leaves the original intact and no temporary file when the write fails', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, 'precious');
    vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    expect(() => writeFileDurable(path, 'x'.repeat(1000))).toThrow(/ENOSPC/);
    vi.restoreAllMocks();
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(onlyFiles(dir)).toEqual(['a.json']);
  });

  it('leaves the original intact when the rename fails', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, 'precious');
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    });
    expect(() => writeFileDurable(path, 'new')).toThrow(/EXDEV/);
    vi.restoreAllMocks();
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(onlyFiles(dir)).toEqual(['a.json']);
  });

  it('refuses to write over a folder, and to save into a folder that does not exist', () => {
    mkdirSync(join(dir, 'folder'));
    expect(() => writeFileDurable(join(dir, 'folder'), 'x')).toThrow(SaveError);
    expect(() => writeFileDurable(join(dir, 'folder'), 'x')).toThrow(/is a folder/);
    expect(() => writeFileDurable(join(dir, 'nope', 'a.json'), 'x')).toThrow(/does not exist/);
    expect(onlyFiles(join(dir, 'folder'))).toEqual([]);
  });

  it('refuses a symlink loop with a one-line message', () => {
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    expect(() => saveTarget(join(dir, 'a'))).toThrow(/chain of more than 40 symbolic links/);
  });

  it('saves several files that belong together', () => {
    const written = writeFilesDurable([
      { path: join(dir, 'model.json'), data: '{}' },
      { path: join(dir, 'weights.bin'), data: new Uint8Array([1, 2]) },
    ]);
    expect(written.length).toBe(2);
    expect(onlyFiles(dir)).toEqual(['model.json', 'weights.bin']);
  });
});
