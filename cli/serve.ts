/**
 * `layercanvas serve`: the editor in a browser. Serves dist/renderer on 127.0.0.1 only, with a strict CSP, and a
 * `/engine` WebSocket per page that relays to the page's own engine child process (restarted if it crashes or
 * hangs). The socket takes only pages opened with this launch's random token (in the URL's fragment, so it never
 * travels in a request line), one engine per page, a few pages at most.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { homedir } from 'node:os';
import { basename, delimiter, join, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy, mimeType } from '../common/web-security';
import { formatFormatError } from '../engine/core/problems';
import { readModelFile } from '../engine/formats/detect';
import type { SideFiles } from '../engine/formats/types';
import { WASM_DIR_ARG } from '../engine/host/kernels';
import { EngineSupervisor, type ChildHandle, type EngineStatus } from '../engine/host/supervisor';
import { readModelBytes, sideFilesOf } from './io';
import { PROJECT, projectWasmDir } from './project';
import {
  ENGINE_SOCKET_PATH,
  PAGE_LEAVING_CODE,
  RESTART_ENGINE_TYPE,
  SERVER_STATUS_TYPE,
  TOKEN_HEADER,
  TOO_MANY_PAGES_CODE,
} from '../common/socket-protocol';
import { relaxedSimdExecArgv } from './relaxed-simd';

/** The model named on the command line, read and checked before the server starts, sent to each page it opens. */
export interface ServedModel {
  name: string;
  data: Uint8Array;
  /** Files beside it the format read (TF.js weight shards), by the name the model file gives them. */
  siblings: Record<string, Uint8Array>;
}

/** Where a page asks for the model named on the command line (204 when none was). */
export const SERVED_MODEL_PATH = '/served-model';

/**
 * Reads the model `serve <model>` names, as `layercanvas summary` would: a file that is missing, not a model or
 * malformed is refused here, with its located errors, before any page opens. The side files the format asked
 * for travel with it, so a TF.js model.json opens with its weights.
 */
export async function readServedModel(path: string): Promise<ServedModel | { errors: string[] }> {
  const data = readModelBytes(path);
  const folder = sideFilesOf(path);
  const siblings: Record<string, Uint8Array> = {};
  const side: SideFiles = {
    read(relative) {
      const got = folder.read(relative);
      if (got instanceof Uint8Array) siblings[relative.split('/').pop() ?? relative] = got;
      return got;
    },
  };
  const result = await readModelFile(data, basename(path), side);
  if (!result.ok) return { errors: result.errors.map((e) => formatFormatError(e, path)) };
  return { name: basename(path), data, siblings };
}

/** The served model as the page reads it: JSON with base64 bytes. */
export function servedModelJson(model: ServedModel): string {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return JSON.stringify({
    name: model.name,
    data: b64(model.data),
    siblings: Object.fromEntries(Object.entries(model.siblings).map(([name, bytes]) => [name, b64(bytes)])),
  });
}

export interface ServeOptions {
  port?: number;
  open?: boolean;
  host?: string;
  /** Where the built renderer lives; defaults to dist/renderer in the project. */
  root?: string;
  /** The engine's kernels folder; default: the project's dist/wasm. */
  wasmDir?: string;
  /** Lines for the user (where it serves, what was opened); defaults to stdout. */
  log?: (line: string) => void;
  /** A model to open in every page (`layercanvas serve model.py`). */
  model?: ServedModel;
  /** The watchdog's timings (engine/host/supervisor.ts); tests shorten them. */
  heartbeatMs?: number;
  hangMs?: number;
  cancelGraceMs?: number;
  /** The engine socket's message limit; MAX_MESSAGE_BYTES unless a test wants a small one. */
  maxMessageBytes?: number;
}

export interface RunningServer {
  /** The page's address, with this launch's token in its fragment (`…/#token=…`). */
  url: string;
  /** The random token the engine socket asks for. */
  token: string;
  close(): Promise<void>;
  /** Process ids of the live engine children, one per connected page (tests kill them to prove restarts). */
  enginePids(): number[];
}

/** A problem the user can fix (build missing, port taken, bad host): the CLI prints its message as one line. */
export class ServeError extends Error {
  override name = 'ServeError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);
/**
 * The largest message a page sends: an image folder's bytes (BROWSER_FOLDER_LIMITS, 256 MiB) or the pixel array it
 * became (MAX_DATASET_BYTES, 256 MiB, sent back with `train`), as base64 JSON (4/3 of the bytes), plus room for the
 * model and its weights. test/cli/serve-socket.test.ts holds it to those limits.
 */
export const LARGEST_PAYLOAD_BYTES = 256 * 2 ** 20;
export const MAX_MESSAGE_BYTES = Math.ceil((LARGEST_PAYLOAD_BYTES * 4) / 3) + 16 * 2 ** 20;
/** Pages (so engines) at once; each engine is a Node process of ~90 MB before it loads a model. */
export const MAX_PAGES = 4;
/** A page whose socket dropped keeps its engine this long, so a reconnect finds its work still there. */
const RECONNECT_GRACE_MS = 15_000;
/** Control messages are tiny; only texts this short are looked at before relaying. */
const CONTROL_MAX_CHARS = 1024;

/** The page may talk back only to this server's engine socket. */
export function serveCsp(port: number): string {
  return contentSecurityPolicy({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });
}

/** Map a URL path to a file under root, or null when it escapes root or isn't a file. */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = resolve(root, relative);
  if (!full.startsWith(root + sep)) return null;
  try {
    // A symlink inside the build must not lead outside it either.
    const real = realpathSync(full);
    if (!real.startsWith(realpathSync(root) + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

/**
 * The build names its chunks by content hash, so they never change under a name: the browser may keep them (and
 * V8 its compiled code for them) across launches. The page itself is checked every time, so a new build shows.
 */
export function cacheControl(urlPath: string): string {
  return /^\/assets\/[^/?]+-[\w-]{8,}\.\w+(\?.*)?$/.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Fork engine/host/node-main.ts as a Node child speaking wire text over IPC, running the kernels in `wasmDir`. */
export function forkNodeEngine(wasmDir: string = projectWasmDir()): ChildHandle {
  const entry = join(PROJECT, 'engine', 'host', 'node-main.ts');
  // An absolute loader URL so the child starts whatever directory the user ran `layercanvas` from.
  const tsx = import.meta.resolve('tsx');
  const child: ChildProcess = fork(entry, [`${WASM_DIR_ARG}${wasmDir}`], {
    cwd: PROJECT,
    // The engine's kernels use relaxed SIMD (fused multiply-add) where this Node can be told to validate it.
    execArgv: ['--import', tsx, ...relaxedSimdExecArgv()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => {
      if (child.connected) child.send(message as string);
    },
    kill: () => {
      child.kill('SIGKILL');
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.once('exit', (code, signal) => listener({ code, signal })),
  };
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, name);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** How long a browser that exits counts as having failed to open (ms); default 3000. */
  settleMs?: number;
  /** Chromium's profile folder; default ~/.config/layercanvas/chromium-profile. */
  profile?: string;
}

/** How a launched program ended within `ms`: its exit code, 'running' when it hadn't, or the spawn error. */
type Settled = { code: number | null; signal: string | null } | 'running' | Error;

function settle(child: ChildProcess, ms: number): Promise<Settled> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('running'), ms);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/**
 * Chromium in app mode (a window without browser chrome) when installed, else the default browser; resolves to
 * one line saying what really happened: a browser that exits at once, or no display to show a window on, is not
 * an opened window.
 */
export async function openInBrowser(url: string, options: OpenOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const settleMs = options.settleMs ?? 3000;
  const yourself = `open ${url} in a browser yourself`;
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return `No display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset): ${yourself}.`;
  }
  const browsers = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const chromium = browsers.map((n) => onPath(n, env)).find(Boolean);
  if (chromium) {
    const profile = options.profile ?? join(homedir(), '.config', 'layercanvas', 'chromium-profile');
    mkdirSync(profile, { recursive: true });
    const args = [
      `--app=${url}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ];
    // Chromium refuses to run as root with its sandbox on (containers, CI).
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const child = spawn(chromium, args, { detached: true, stdio: 'ignore', env });
    const outcome = await settle(child, settleMs);
    child.unref();
    if (outcome === 'running') return `Opened LayerCanvas in a Chromium app window (${chromium}).`;
    if (outcome instanceof Error) return `Could not start Chromium (${chromium}: ${outcome.message}): ${yourself}.`;
    // Chromium hands a URL to a Chromium already running with this profile, and exits 0.
    if (outcome.code === 0) return `Opened LayerCanvas in the Chromium already running (${chromium}).`;
    const how = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`;
    return `Chromium (${chromium}) exited at once (${how}) without opening a window: ${yourself}.`;
  }
  const opener = onPath('xdg-open', env) ?? onPath('open', env);
  if (opener) {
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore', env });
    const outcome = await settle(child, settleMs);
    child.unref();
    if (outcome instanceof Error) return `Could not start ${opener} (${outcome.message}): ${yourself}.`;
    if (outcome !== 'running' && outcome.code !== 0) {
      return `${opener} failed (exit code ${outcome.code}): ${yourself}.`;
    }
    return `Asked your default browser to open LayerCanvas (${opener}).`;
  }
  return `No browser found to open: ${yourself}.`;
}

export async function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    throw new ServeError(`serve listens on this machine only; host '${host}' is not allowed (use 127.0.0.1).`);
  }
  const root = resolve(options.root ?? join(PROJECT, 'dist', 'renderer'));
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!existsSync(join(root, 'index.html'))) {
    throw new ServeError(
      `The editor isn't built (${join(root, 'index.html')} is missing): run \`npx vite build\` in ${PROJECT}, then serve again.`,
    );
  }

  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  // This launch's secret: the engine socket and the served model answer only a page that has it.
  const token = randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const tokenOk = (given: string | null) => {
    const bytes = Buffer.from(given ?? '');
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // A page on another site must not reach this server through a DNS name pointing at 127.0.0.1.
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res
        .writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`Unexpected Host '${req.headers.host}'.\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Method not allowed.\n');
      return;
    }
    if ((req.url ?? '').split('?')[0] === SERVED_MODEL_PATH) {
      // The user's model is for the page opened with this launch's token, not for any local process that asks.
      const given = req.headers[TOKEN_HEADER];
      if (!tokenOk(typeof given === 'string' ? given : null)) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Forbidden.\n');
        return;
      }
      if (!options.model) {
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
        return;
      }
      const body = servedModelJson(options.model);
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Length': Buffer.byteLength(body),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    const file = resolveStatic(root, req.url ?? '/');
    if (!file && (req.url ?? '').split('?')[0] === '/favicon.ico') {
      // Browsers ask for it unprompted; a 404 would show up as a console error on every load.
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found.\n');
      return;
    }
    const type = mimeType(file);
    const body = readFileSync(file);
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': cacheControl(req.url ?? '/'),
    };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = serveCsp(port);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  const sockets = new Set<WebSocket>();
  /** One engine per page (by the page's random id), with the page's current socket. */
  const pages = new Map<
    string,
    { supervisor: EngineSupervisor; ws: WebSocket | null; grace: ReturnType<typeof setTimeout> | null }
  >();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES });

  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin ?? '';
    const okOrigin = [...allowedHosts()].some((h) => origin === `http://${h}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const pageId = url.searchParams.get('page') ?? '';
    if (
      url.pathname !== ENGINE_SOCKET_PATH ||
      !okOrigin ||
      !allowedHosts().has(req.headers.host ?? '') ||
      !tokenOk(url.searchParams.get('token'))
    ) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!/^[\w-]{8,64}$/.test(pageId)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, pageId));
  });

  function newPage(pageId: string) {
    const page = {
      supervisor: null as unknown as EngineSupervisor,
      ws: null as WebSocket | null,
      grace: null as ReturnType<typeof setTimeout> | null,
    };
    const send = (text: string) => {
      if (page.ws?.readyState === page.ws?.OPEN) page.ws?.send(text);
    };
    page.supervisor = new EngineSupervisor({
      spawn: () => forkNodeEngine(options.wasmDir),
      onStatus: (status: EngineStatus) => send(JSON.stringify({ type: SERVER_STATUS_TYPE, status })),
      onMessage: (message) => {
        if (typeof message === 'string') send(message);
      },
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.hangMs !== undefined ? { hangMs: options.hangMs } : {}),
      ...(options.cancelGraceMs !== undefined ? { cancelGraceMs: options.cancelGraceMs } : {}),
    });
    pages.set(pageId, page);
    return page;
  }

  /** A restart request or a cancel, read from a short text before it is relayed (or instead of it). */
  function control(text: string, supervisor: EngineSupervisor): boolean {
    if (text.length > CONTROL_MAX_CHARS) return false;
    let message: { type?: unknown; payload?: { target?: unknown } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return false;
    }
    if (message?.type === RESTART_ENGINE_TYPE) {
      supervisor.restart();
      return true;
    }
    if (message?.type === 'cancel' && typeof message.payload?.target === 'string')
      supervisor.noteCancel(message.payload.target);
    return false;
  }

  function attach(ws: WebSocket, pageId: string): void {
    let page = pages.get(pageId);
    if (!page && pages.size >= MAX_PAGES) {
      const reason = `LayerCanvas runs at most ${MAX_PAGES} pages at once from one \`layercanvas serve\`; close another page, then reload this one.`;
      ws.send(JSON.stringify({ type: SERVER_STATUS_TYPE, status: { state: 'failed', message: reason } }));
      ws.close(TOO_MANY_PAGES_CODE, reason.slice(0, 120));
      return;
    }
    sockets.add(ws);
    if (page) {
      // The same page again (its socket dropped, or it opened a second one): the new socket takes over its engine.
      if (page.grace) clearTimeout(page.grace);
      page.grace = null;
      const old = page.ws;
      page.ws = ws;
      old?.terminate();
      ws.send(JSON.stringify({ type: SERVER_STATUS_TYPE, status: page.supervisor.status }));
    } else {
      page = newPage(pageId);
      page.ws = ws;
      page.supervisor.start();
    }
    const { supervisor } = page;
    const mine = page;
    // A message over the limit, a broken frame: ws closes the socket (1009, 1002); the server carries on.
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (control(text, supervisor)) return;
      if (!supervisor.send(text)) {
        // The supervisor gave up on a crashing engine: answer for it so the request doesn't hang.
        let id: unknown = null;
        try {
          id = (JSON.parse(text) as { id?: unknown }).id;
        } catch {
          // not JSON: no id to answer
        }
        const error = {
          code: 'engine-failed',
          message: `The engine isn't running (${supervisor.status.message ?? supervisor.status.state}).`,
          hint: 'Reload the page, or use Restart engine in the status bar, to start a new engine.',
        };
        ws.send(JSON.stringify({ id: typeof id === 'string' ? id : null, ok: false, error }));
      }
    });
    ws.on('close', (code) => {
      sockets.delete(ws);
      if (mine.ws !== ws) return;
      mine.ws = null;
      const end = () => {
        mine.supervisor.stop();
        pages.delete(pageId);
      };
      // A page that unloads (reload, tab closed) says so; a socket that merely dropped may come back.
      if (code === PAGE_LEAVING_CODE) end();
      else {
        mine.grace = setTimeout(end, RECONNECT_GRACE_MS);
        mine.grace.unref?.();
      }
    });
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new ServeError(
              `Port ${options.port} on 127.0.0.1 is already in use: pick another with --port, or --port 0 for any free one.`,
            )
          : err,
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}/#token=${token}`;
  log(`LayerCanvas is serving at ${url}${options.model ? `, with ${options.model.name} open` : ''}`);
  // Whether a window really opened is known only once the browser has settled (or exited at once).
  if (options.open) void openInBrowser(url).then(log);

  return {
    url,
    token,
    enginePids: () =>
      [...pages.values()].map((p) => p.supervisor.pid).filter((p): p is number => typeof p === 'number'),
    close: async () => {
      for (const p of pages.values()) {
        if (p.grace) clearTimeout(p.grace);
        p.supervisor.stop();
      }
      pages.clear();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
