/**
 * The browser host end to end: the built editor served by startServer, opened in headless Chromium, talking to
 * a real engine child process over the `/engine` WebSocket.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import type { ModelDocument } from '../../engine/graph/document';
import { infer } from '../../engine/graph/inference';
import { ServeError, startServer } from '../../cli/serve';
import { launchHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await launchHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Raw HTTP so the Host header can be forged (fetch won't let us). */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const DENSE_PY =
  'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu")])\n';

describe('layercanvas serve in Chromium', () => {
  it('listens on 127.0.0.1 only, and refuses to listen on other interfaces', async () => {
    expect(new URL(h.url).hostname).toBe('127.0.0.1');
    await expect(startServer({ port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /host '0.0.0.0' is not allowed \(use 127.0.0.1\)/,
    );
  });

  it('opens Chromium in app mode with its own profile, and says so after where it serves', async () => {
    // A stand-in `chromium` on PATH records how it was started, and stays up as a window would.
    const dir = mkdtempSync(join(tmpdir(), 'layercanvas-open-'));
    const record = join(dir, 'args.txt');
    writeFileSync(join(dir, 'chromium'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${record}\nexec /bin/sleep 5\n`);
    chmodSync(join(dir, 'chromium'), 0o755);
    const saved = { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: process.env.DISPLAY };
    process.env.PATH = dir;
    process.env.HOME = dir;
    process.env.DISPLAY = ':7';
    const lines: string[] = [];
    try {
      const server = await startServer({ port: 0, open: true, log: (l) => lines.push(l) });
      await expect
        .poll(() => {
          try {
            return readFileSync(record, 'utf8');
          } catch {
            return '';
          }
        })
        .toContain('--app=');
      const args = readFileSync(record, 'utf8').trim().split('\n');
      expect(args).toContain(`--app=${server.url}`);
      expect(args).toContain(`--user-data-dir=${join(dir, '.config', 'layercanvas', 'chromium-profile')}`);
      await expect.poll(() => lines.length, { timeout: 10_000 }).toBe(2);
      expect(lines).toEqual([
        `LayerCanvas is serving at ${server.url}`,
        `Opened LayerCanvas in a Chromium app window (${join(dir, 'chromium')}).`,
      ]);
      await server.close();
    } finally {
      process.env.PATH = saved.PATH;
      process.env.HOME = saved.HOME;
      if (saved.DISPLAY === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = saved.DISPLAY;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says when the port is taken and how to pick another', async () => {
    const port = Number(new URL(h.url).port);
    const error = await startServer({ port }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ServeError);
    expect((error as Error).message).toBe(
      `Port ${port} on 127.0.0.1 is already in use: pick another with --port, or --port 0 for any free one.`,
    );
  });

  it('says in one line how to build the editor when it is missing', async () => {
    const error = await startServer({ port: 0, root: '/nonexistent/renderer' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ServeError);
    expect((error as Error).message).toMatch(/^The editor isn't built .*run `npx vite build`/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('loads the editor with no console errors and no CSP violations', async () => {
    await h.page.waitForLoadState('networkidle');
    await h.page.waitForTimeout(500);
    await h.screenshot('host-loaded');
    expect(await h.page.locator('#root, body').first().innerHTML()).not.toBe('');
    expect(h.cspViolations).toEqual([]);
    expect(h.consoleErrors).toEqual([]);
  });

  it("titles the page through the browser host's setDocumentState", async () => {
    await expect.poll(() => h.page.title()).toMatch(/ — LayerCanvas$/);
  });

  it("the editor's own host shows the engine ready, then restarting and ready again after its engine is killed", async () => {
    const status = h.page.getByTestId('status-engine');
    await expect.poll(() => status.getAttribute('class'), { timeout: 30_000 }).toContain('engine-ready');
    const pids = h.server.enginePids();
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');
    await expect.poll(() => status.getAttribute('class'), { timeout: 10_000 }).toContain('engine-restarting');
    await expect.poll(() => status.getAttribute('class'), { timeout: 30_000 }).toContain('engine-ready');
    expect(h.server.enginePids()).toHaveLength(1);
    expect(h.server.enginePids()[0]).not.toBe(pids[0]);
    await h.screenshot('host-engine-restarted');
  });

  it('opens a TF.js model.json with its weight shard through the multi-select file picker', async () => {
    const dir = join('test', 'fixtures', 'tfjs', 'article-mlp');
    // The starting document counts as unsaved; agree to replace it.
    h.page.once('dialog', (dialog) => void dialog.accept());
    const [chooser] = await Promise.all([
      h.page.waitForEvent('filechooser'),
      h.page.getByRole('button', { name: /^Open/ }).click(),
    ]);
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles([join(dir, 'model.json'), join(dir, 'group1-shard1of1.bin')]);
    // Keras's count for the article MLP: 96 + 64 + 544 + 128 + 66. The TF.js reader refuses a model.json whose
    // shard is missing, so a loaded model also proves the .bin came along.
    await expect.poll(() => h.page.getByTestId('summary-total-params').textContent(), { timeout: 15_000 }).toBe('898');
    await expect.poll(() => h.page.title()).toMatch(/model\.json — LayerCanvas$/);
    expect(await h.page.evaluate(() => localStorage.getItem('layercanvas.recentFiles'))).toBe('["model.json"]');
    expect(h.consoleErrors).toEqual([]);
  });

  it('sends a strict CSP with the page, and the right MIME types', async () => {
    const page = await get(h.url, '/');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`ws://127.0.0.1:${new URL(h.url).port}`);
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toMatch(/https?:\/\//);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const script = /src="([^"]+\.js)"/.exec(page.body)?.[1];
    expect(script, 'index.html references a script').toBeTruthy();
    const js = await get(h.url, new URL(script!, h.url).pathname);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Hashed chunks are kept by the browser across launches; the page is checked each time so a new build shows.
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('refuses directory traversal, foreign Host headers and non-GET methods', async () => {
    for (const path of [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f..%2fpackage.json',
    ]) {
      const res = await get(h.url, path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('"name": "layercanvas"');
    }
    const rebinding = await get(h.url, '/', { Host: 'evil.example:80' });
    expect(rebinding.status).toBe(421);
    const post = await fetch(h.url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });

  it('does not follow a symlink out of the served folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layercanvas-root-'));
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'site', 'leak.txt'));
    const server = await startServer({ port: 0, root: join(dir, 'site') });
    try {
      expect((await get(server.url, '/index.html')).status).toBe(200);
      const leak = await get(server.url, '/leak.txt');
      expect(leak.status).toBe(404);
      expect(leak.body).not.toContain('secret');
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses engine WebSockets from another origin', async () => {
    const ws = new NodeWebSocket(
      `${new URL(h.url).origin.replace('http', 'ws')}/engine?token=${h.server.token}&page=evilpage1`,
      { origin: 'http://evil.example' },
    );
    const outcome = await new Promise<string>((resolve) => {
      ws.on('open', () => resolve('open'));
      ws.on('error', (e) => resolve(e.message));
    });
    expect(outcome).toMatch(/403/);
  });

  it('answers an import request from the page over the engine WebSocket', async () => {
    const response = await h.page.evaluate(async (code) => {
      const ws = new WebSocket(
        `ws://${location.host}/engine?${new URLSearchParams({ token: location.hash.slice('#token='.length), page: 'import-page' })}`,
      );
      return await new Promise<unknown>((resolve, reject) => {
        ws.onerror = () => reject(new Error('socket error'));
        ws.onopen = () =>
          ws.send(JSON.stringify({ id: 'v1', type: 'import', payload: { name: 'dense.py', data: code } }));
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data as string);
          // Progress events ('Reading dense.py') come first with the same id; the answer has `ok`.
          if (m.id === 'v1' && 'ok' in m) {
            ws.close();
            resolve(m);
          }
        };
      });
    }, DENSE_PY);
    const answer = response as { id: string; ok: boolean; result: { ok: boolean; format: string; document: unknown } };
    expect(answer).toMatchObject({ id: 'v1', ok: true, result: { ok: true, format: 'keras-py' } });
    // Dense(3) on 4 inputs: 4*3 weights + 3 biases = 15 parameters, output (None, 3).
    const inference = infer(answer.result.document as ModelDocument);
    expect(inference.totals.total).toBe(15);
    expect(inference.nodes.get(inference.order.at(-1)!)?.outputShape).toEqual([null, 3]);
  });

  it('restarts a killed engine child and tells the page', async () => {
    await h.page.evaluate(() => {
      const w = window as unknown as { __engine: { ws: WebSocket; messages: unknown[] } };
      const ws = new WebSocket(
        `ws://${location.host}/engine?${new URLSearchParams({ token: location.hash.slice('#token='.length), page: 'restart-page' })}`,
      );
      w.__engine = { ws, messages: [] };
      ws.onmessage = (e) => w.__engine.messages.push(JSON.parse(e.data as string));
    });
    const messages = () =>
      h.page.evaluate(
        () =>
          (
            window as unknown as {
              __engine: {
                messages: {
                  type?: string;
                  status?: { state: string; message?: string };
                  id?: string;
                  result?: { pid: number };
                }[];
              };
            }
          ).__engine.messages,
      );
    const ping = (id: string) =>
      h.page.evaluate(
        (id) =>
          (window as unknown as { __engine: { ws: WebSocket } }).__engine.ws.send(JSON.stringify({ id, type: 'ping' })),
        id,
      );
    await expect
      .poll(async () => (await messages()).some((m) => m.status?.state === 'ready'), { timeout: 30_000 })
      .toBe(true);
    await ping('before');
    await expect
      .poll(async () => (await messages()).find((m) => m.id === 'before')?.result?.pid, { timeout: 30_000 })
      .toBeTypeOf('number');
    const before = (await messages()).find((m) => m.id === 'before')!.result!.pid;
    expect(h.server.enginePids()).toContain(before);

    process.kill(before, 'SIGKILL');
    await expect
      .poll(
        async () =>
          (await messages())
            .filter((m) => m.type === 'engine-status')
            .map((m) => m.status!.state)
            .join(','),
        { timeout: 30_000 },
      )
      .toMatch(/^starting,ready,restarting.*,ready$/);
    const restarting = (await messages()).find((m) => m.status?.state === 'restarting')!;
    expect(restarting.status!.message).toContain('SIGKILL');

    await ping('after');
    await expect
      .poll(async () => (await messages()).find((m) => m.id === 'after')?.result?.pid, { timeout: 30_000 })
      .toBeTypeOf('number');
    const after = (await messages()).find((m) => m.id === 'after')!.result!.pid;
    expect(after).not.toBe(before);
    expect(h.consoleErrors).toEqual([]);
  });
});
