/**
 * `layercanvas serve <model>` (and `npm start -- <model>`, which forwards to it): the real command prints what it
 * opened, refuses a missing file (exit 2) or a malformed one (exit 1, at its line) before serving, and the page it
 * serves opens the model as if the user had opened the file (here a TF.js model.json, whose shard travels with it).
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readServedModel } from '../../cli/serve';
import { launchHarness, totalParams, type Harness } from './harness';

/** Runs the CLI until it exits, or (a server) until a moment after its first line; `code` is null when stopped. */
function serveLine(args: string[]): Promise<{ line: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/layercanvas.mjs', 'serve', ...args, '--no-open', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) timer ??= setTimeout(() => child.kill('SIGTERM'), 1500);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ line: out.split('\n')[0], code });
    });
  });
}

let h: Harness | undefined;
afterAll(async () => {
  await h?.close();
});

describe('serve <model>', () => {
  it('says which model it opened, refuses a missing one with exit 2 and a malformed one at its line', async () => {
    const ok = await serveLine(['test/fixtures/python/residual-functional.py']);
    expect(ok.line).toMatch(
      /^LayerCanvas is serving at http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}, with residual-functional\.py open$/,
    );
    const missing = await serveLine(['test/fixtures/python/nope.py']);
    expect(missing.code).toBe(2);
    expect(missing.line).toBe(
      "layercanvas: no such file: test/fixtures/python/nope.py (run 'layercanvas --help' for usage)",
    );
    // The article's snippet as printed, with its missing comma.
    const bad = await serveLine(['test/fixtures/python/article-cnn.py']);
    expect(bad.code).toBe(1);
    expect(bad.line).toBe(
      "test/fixtures/python/article-cnn.py:4:43: missing comma between arguments (add ',' after input_shape=(28, 28, 3))",
    );
  });

  it('opens the model in the page as if the user had opened the file', async () => {
    const model = await readServedModel('test/fixtures/tfjs/article-cnn/model.json');
    if ('errors' in model) throw new Error(model.errors.join('\n'));
    h = await launchHarness({ model, viewport: { width: 1280, height: 800 } });
    const page = h.page;
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 15_000 }).toBe(7);
    expect(await totalParams(page)).toBe('10,466');
    expect(await page.title()).toBe('model.json — LayerCanvas');
    await h.screenshot('serve-model-opened');
    expect(h.consoleErrors).toEqual([]);
  });
});
