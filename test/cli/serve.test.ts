import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheControl, readServedModel, SERVED_MODEL_PATH, startServer } from '../../cli/serve';
import { SERVED_MODEL_PATH as PAGE_SERVED_MODEL_PATH, servedFile } from '../../renderer/services/browser-host';

describe("the browser host's caching", () => {
  it('lets the browser keep content-hashed chunks for good, and checks everything else each time', () => {
    for (const path of [
      '/assets/index-BpdGHMHx.js',
      '/assets/css.worker-DA-Gmr7e.js',
      '/assets/index-no9cINFK.css',
      '/assets/codicon-DF1abBS2.ttf',
      '/assets/formats-DZmu5WR_.js',
    ])
      expect(cacheControl(path), path).toBe('public, max-age=31536000, immutable');
    for (const path of [
      '/',
      '/index.html',
      '/favicon.ico',
      '/assets/',
      '/assets/logo.svg',
      '/other/index-BpdGHMHx.js',
      '/assets/sub/index-BpdGHMHx.js',
    ])
      expect(cacheControl(path), path).toBe('no-cache');
  });
});

describe('serve <model>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layercanvas-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a model with errors before serving, each error located in the file', async () => {
    const bad = join(dir, 'bad.py');
    writeFileSync(bad, 'from keras import layers\nmodel = keras.Sequential([layers.Dense(4) layers.Dense(2)])\n');
    const r = await readServedModel(bad);
    expect('errors' in r && r.errors[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: `));
    await expect(readServedModel(join(dir, 'missing.py'))).rejects.toThrow(/no such file/);
  });

  it('hands the page the model and the weight files it names, and nothing when none was given', async () => {
    const model = await readServedModel('test/fixtures/tfjs/article-cnn/model.json');
    if ('errors' in model) throw new Error(model.errors.join('\n'));
    expect(Object.keys(model.siblings).length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    for (const [given, status] of [
      [model, 200],
      [undefined, 204],
    ] as const) {
      const server = await startServer({ port: 0, root: dir, log: () => {}, model: given });
      try {
        // Only with this launch's token: another local process gets nothing.
        expect((await fetch(new URL(SERVED_MODEL_PATH, server.url))).status).toBe(403);
        expect(
          (await fetch(new URL(SERVED_MODEL_PATH, server.url), { headers: { 'x-layercanvas-token': 'x'.repeat(32) } }))
            .status,
        ).toBe(403);
        const response = await fetch(new URL(SERVED_MODEL_PATH, server.url), {
          headers: { 'x-layercanvas-token': server.token },
        });
        expect(response.status).toBe(status);
        if (status === 204) continue;
        const file = servedFile(await response.json())!;
        expect(file.name).toBe('model.json');
        expect(new TextDecoder().decode(file.data)).toBe(
          readFileSync('test/fixtures/tfjs/article-cnn/model.json', 'utf8'),
        );
        for (const [name, bytes] of Object.entries(model.siblings)) expect(file.siblings![name]).toEqual(bytes);
      } finally {
        await server.close();
      }
    }
    expect(SERVED_MODEL_PATH).toBe(PAGE_SERVED_MODEL_PATH);
  });
});
