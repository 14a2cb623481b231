/**
 * The browser host's engine socket against hostile local clients: no token or a wrong one is refused at the
 * upgrade, each page gets one engine (kept across its reconnects), the server runs a few pages at most, and a
 * message over the limit closes the socket. Real server, real engine children, a plain Node WebSocket client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LARGEST_PAYLOAD_BYTES, MAX_MESSAGE_BYTES, MAX_PAGES, startServer, type RunningServer } from '../../cli/serve';
import { MAX_DATASET_BYTES } from '../../engine/host/folder-handler';
import { TOO_MANY_PAGES_CODE } from '../../common/socket-protocol';
import { BROWSER_FOLDER_LIMITS } from '../../common/folder-policy';
import { until } from '../support/until';

let root: string;
let server: RunningServer;
const open: WebSocket[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'layercanvas-socket-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
  server = await startServer({ port: 0, root, log: () => {}, maxMessageBytes: 64 * 1024 });
});

afterAll(async () => {
  for (const ws of open) ws.terminate();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const origin = () => new URL(server.url).origin;

function connect(query: Record<string, string>, headers: Record<string, string> = { origin: origin() }): WebSocket {
  const ws = new WebSocket(`${origin().replace('http', 'ws')}/engine?${new URLSearchParams(query)}`, { headers });
  open.push(ws);
  return ws;
}

/** 'open', or the refusal's text (the HTTP status of a refused upgrade). */
const outcome = (ws: WebSocket) =>
  new Promise<string>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('error', (e) => resolve(e.message));
  });

/** Every message until `done` says stop; server status messages and engine answers alike. */
function collect(ws: WebSocket): {
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
} {
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { messages, closed };
}

async function ping(ws: WebSocket, messages: Record<string, unknown>[], id: string): Promise<number> {
  ws.send(JSON.stringify({ id, type: 'ping' }));
  const answer = await until(`ping ${id}`, () => messages.find((m) => m.id === id));
  return (answer.result as { pid: number }).pid;
}

describe("the browser host's engine socket", () => {
  it("puts a random token in the page's URL fragment, new at each launch", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
    const other = await startServer({ port: 0, root, log: () => {} });
    try {
      expect(other.token).not.toBe(server.token);
    } finally {
      await other.close();
    }
  });

  it('refuses an upgrade without the token, with a wrong one, or from another origin — and starts no engine', async () => {
    const before = server.enginePids().length;
    expect(await outcome(connect({ page: 'page-no-token' }))).toMatch(/403/);
    expect(await outcome(connect({ token: 'x'.repeat(server.token.length), page: 'page-bad-token' }))).toMatch(/403/);
    expect(await outcome(connect({ token: `${server.token}x`, page: 'page-long-token' }))).toMatch(/403/);
    expect(
      await outcome(connect({ token: server.token, page: 'page-evil-origin' }, { origin: 'http://evil.example' })),
    ).toMatch(/403/);
    expect(await outcome(connect({ token: server.token, page: 'x' }))).toMatch(/400/);
    expect(server.enginePids()).toHaveLength(before);
  });

  it("gives a page one engine, and the same engine when the page's socket comes back", async () => {
    const first = connect({ token: server.token, page: 'page-one' });
    const a = collect(first);
    expect(await outcome(first)).toBe('open');
    const pid = await ping(first, a.messages, 'p1');
    // The same page again (a dropped connection coming back): its engine, not a new one.
    const second = connect({ token: server.token, page: 'page-one' });
    const b = collect(second);
    expect(await outcome(second)).toBe('open');
    expect(await ping(second, b.messages, 'p2')).toBe(pid);
    expect((await a.closed).code).not.toBe(1000);
    expect(server.enginePids().filter((p) => p === pid)).toHaveLength(1);
    second.close(4001, 'page unloaded');
    await b.closed;
    // A page that says it is leaving takes its engine with it.
    await until('engine gone', () => (server.enginePids().includes(pid) ? undefined : true));
  });

  it(`runs at most ${MAX_PAGES} pages, and tells the next one why it gets no engine`, async () => {
    expect(server.enginePids()).toHaveLength(0);
    const pages: WebSocket[] = [];
    for (let i = 0; i < MAX_PAGES; i += 1) {
      const ws = connect({ token: server.token, page: `page-cap-${i}` });
      expect(await outcome(ws)).toBe('open');
      pages.push(ws);
    }
    await until('engines started', () => (server.enginePids().length >= MAX_PAGES ? true : undefined));
    const extra = connect({ token: server.token, page: 'page-one-too-many' });
    const { messages, closed } = collect(extra);
    const { code, reason } = await closed;
    expect(code).toBe(TOO_MANY_PAGES_CODE);
    expect(reason).toMatch(/at most 4 pages/);
    expect(messages[0]).toMatchObject({ type: 'engine-status', status: { state: 'failed' } });
    expect(server.enginePids()).toHaveLength(MAX_PAGES);
    for (const ws of pages) ws.close(4001, 'page unloaded');
    await until('engines stopped', () => (server.enginePids().length === 0 ? true : undefined));
  });

  it('closes a socket that sends a message over the limit (1009), without passing it on', async () => {
    const ws = connect({ token: server.token, page: 'page-big' });
    const { closed } = collect(ws);
    expect(await outcome(ws)).toBe('open');
    ws.send('x'.repeat(64 * 1024 + 1));
    expect((await closed).code).toBe(1009);
  });

  it('sizes the real limit to the largest real message: a capped folder or dataset as base64, plus the model', () => {
    expect(LARGEST_PAYLOAD_BYTES).toBe(Math.max(BROWSER_FOLDER_LIMITS.maxBytes, MAX_DATASET_BYTES));
    expect(MAX_MESSAGE_BYTES).toBeGreaterThan((LARGEST_PAYLOAD_BYTES * 4) / 3);
    expect(MAX_MESSAGE_BYTES).toBeLessThan(512 * 2 ** 20);
  });
});
