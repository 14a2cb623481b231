// The real `layercanvas` process (bin/layercanvas.mjs, capped at 1 GB of heap): the hostile cases of issue 11 end
// with the documented exit code and one line on stderr, never a stack trace or a hang.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/layercanvas.mjs', import.meta.url).pathname;
let dir: string;

function layercanvas(
  ...args: string[]
): Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--max-old-space-size=1024', BIN, ...args],
      { timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number | string; signal?: string }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-exit-'));
  writeFileSync(join(dir, 'brackets.json'), '['.repeat(200_000));
  writeFileSync(
    join(dir, 'deep.json'),
    `{"class_name": "Sequential", "config": ${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}}`,
  );
  writeFileSync(join(dir, 'hang.py'), 'a=[0]*100000\nb=[a]*100000\nc=[b]*100000\nd = c == c\n');
  execFileSync('mkfifo', [join(dir, 'pipe.json')]);
  mkdirSync(join(dir, 'dot'));
  const mlp = new URL('../fixtures/tfjs/article-mlp/', import.meta.url).pathname;
  cpSync(join(mlp, 'group1-shard1of1.bin'), join(dir, 'dot', 'group1-shard1of1.bin'));
  const json = JSON.parse(readFileSync(join(mlp, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = ['.'];
  writeFileSync(join(dir, 'dot', 'model.json'), JSON.stringify(json));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exit codes of the real process', () => {
  it.each([
    {
      name: '200,000 opening brackets',
      args: ['summary', 'brackets.json'],
      code: 1,
      message: 'more than 256 levels deep',
    },
    {
      name: 'a config 20,000 levels deep',
      args: ['validate', 'deep.json'],
      code: 1,
      message: 'more than 256 levels deep',
    },
    {
      name: 'the five-line Python hang',
      args: ['summary', 'hang.py'],
      code: 1,
      message: 'this value would hold more than 100,000 items',
    },
    {
      name: 'a weight path of "."',
      args: ['summary', 'dot/model.json'],
      code: 1,
      message: "'.' is the model's folder itself",
    },
    {
      name: 'summary /dev/zero',
      args: ['summary', '/dev/zero'],
      code: 2,
      message: '/dev/zero is a device, not a file',
    },
    { name: 'a named pipe', args: ['summary', 'pipe.json'], code: 2, message: 'is a named pipe, not a file' },
    { name: 'an unknown command', args: ['frobnicate'], code: 2, message: "unknown command 'frobnicate'" },
  ])('$name: exit $code, one line, no stack', async ({ args, code, message }) => {
    const resolved = args.map((a) => (a.includes('.') && !a.startsWith('/') ? join(dir, a) : a));
    const r = await layercanvas(...resolved);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(code);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--version is exit 0', async () => {
    const r = await layercanvas('--version');
    expect([r.code, r.stdout.trim()]).toEqual([0, 'layercanvas 0.1.0']);
  });
});
