/**
 * Keeps one engine process alive: spawns it, reports status, restarts it after a crash with growing delays, and
 * gives up (status `failed`) when it keeps crashing. A watchdog sends a heartbeat every couple of seconds; an engine
 * that stops answering (a synchronous loop that never yields) is killed and restarted, and the status names the
 * request it was working on, from the start/finish notes the engine sends. Knows nothing of Electron or Node: the
 * host passes a spawn function returning a ChildHandle (a Node child in `layercanvas serve`, a utilityProcess in
 * Electron).
 */

/** Same shape as the renderer's EngineStatus (common/host.ts); the engine doesn't import the renderer. */
export interface EngineStatus {
  state: 'starting' | 'ready' | 'restarting' | 'failed';
  message?: string;
  /** Why a restart happens: the process died, the watchdog found it hung, or someone asked. */
  cause?: 'crashed' | 'hung' | 'requested';
}

export interface ChildHandle {
  readonly pid?: number;
  send(message: unknown): void;
  kill(): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone, whatever the reason. */
  onExit(listener: (info: { code: number | null; signal?: string | null }) => void): void;
}

export interface SupervisorOptions {
  spawn(): ChildHandle;
  onStatus(status: EngineStatus): void;
  /** Messages from the engine other than its ready announcement. */
  onMessage?(message: unknown): void;
  /** Called with each new child (e.g. to hand the renderer a fresh port). */
  onSpawn?(child: ChildHandle): void;
  /** How often the watchdog asks the engine whether it is alive; 0 turns the watchdog off. */
  heartbeatMs?: number;
  /** An engine silent for this long (no answer, no message) is taken as hung and restarted. */
  hangMs?: number;
  /** After a cancel, how long the cancelled request may keep the engine before it is restarted. */
  cancelGraceMs?: number;
  /** Delays before successive restarts; the last repeats. */
  backoffMs?: readonly number[];
  /** More than this many crashes within `windowMs` and the supervisor stops restarting. */
  maxCrashes?: number;
  windowMs?: number;
  now?(): number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

/** The engine's first message once its handlers are installed. */
export const ENGINE_READY = 'engine-ready';

/** Host → engine: are you alive? The engine answers ENGINE_ALIVE with the same seq, between two requests' steps. */
export const ENGINE_HEARTBEAT = 'engine-heartbeat';
export const ENGINE_ALIVE = 'engine-alive';
/** Engine → host: a request started (`started`) or was answered (`finished`), so a hang can be named. */
export const ENGINE_ACTIVITY = 'engine-activity';

export interface ActivityNote {
  type: typeof ENGINE_ACTIVITY;
  started?: { id: string; request: string; label?: string };
  finished?: string;
}

const typeOf = (message: unknown): unknown =>
  typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;

export function isReadyMessage(message: unknown): boolean {
  return typeOf(message) === ENGINE_READY;
}

export function isHeartbeat(message: unknown): message is { type: typeof ENGINE_HEARTBEAT; seq: number } {
  return typeOf(message) === ENGINE_HEARTBEAT;
}

/** The engine's answer to a heartbeat (node-main.ts and utility-main.ts post it as it is). */
export function aliveAnswer(heartbeat: { seq: number }): { type: typeof ENGINE_ALIVE; seq: number } {
  return { type: ENGINE_ALIVE, seq: heartbeat.seq };
}

/** How a hung request is named to the user: `'import' of evil.py`. */
export function describeRequest(r: { request: string; label?: string }): string {
  return r.label ? `'${r.request}' of ${r.label}` : `'${r.request}'`;
}

const MAX_WAITING = 1000;

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class EngineSupervisor {
  private child: ChildHandle | null = null;
  private waiting: unknown[] = [];
  private crashes: number[] = [];
  private timer: unknown = null;
  private stopped = true;
  private current: EngineStatus = { state: 'starting' };
  private watchdog: unknown = null;
  private lastHeard = 0;
  private seq = 0;
  /** Requests the engine said it started and hasn't answered yet, oldest first. */
  private inFlight = new Map<string, { request: string; label?: string }>();
  private cancels = new Map<string, unknown>();
  private readonly heartbeatMs: number;
  private readonly hangMs: number;
  private readonly cancelGraceMs: number;
  private readonly backoff: readonly number[];
  private readonly maxCrashes: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: SupervisorOptions) {
    this.backoff = options.backoffMs ?? [200, 500, 1000, 2000, 5000];
    this.maxCrashes = options.maxCrashes ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    // Training and imports yield between steps; 20 s without a word is a loop that never will.
    this.hangMs = options.hangMs ?? 20_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 5000;
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get status(): EngineStatus {
    return this.current;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopped = false;
    this.crashes = [];
    this.launch('starting');
  }

  /**
   * Relay a message to the engine. While it starts or restarts, messages wait and go out once it is ready;
   * false when the supervisor is stopped or has given up.
   */
  send(message: unknown): boolean {
    if (this.stopped || this.current.state === 'failed') return false;
    if (this.child && this.current.state === 'ready') this.child.send(message);
    else if (this.waiting.length < MAX_WAITING) this.waiting.push(message);
    else return false;
    return true;
  }

  /** Requests in flight in the engine, as it reported them (oldest first). */
  get requests(): { id: string; request: string; label?: string }[] {
    return [...this.inFlight].map(([id, r]) => ({ id, ...r }));
  }

  /** Kill the engine and start a fresh one now (e.g. to abandon a runaway computation). */
  restart(): void {
    const busy = this.requests.at(-1);
    this.stopped = false;
    this.crashes = [];
    this.dropChild();
    this.cancelTimer();
    const what = busy ? ` It was working on ${describeRequest(busy)}, which was cancelled.` : '';
    this.launch('restarting', `The engine was restarted on request.${what}`, 'requested');
  }

  /**
   * The page cancelled a request. An engine that is still on it after the grace period can't be listening (a
   * cancel is read between two steps), so it is restarted: cancel always ends the work.
   */
  noteCancel(target: string): void {
    if (!this.inFlight.has(target) || this.cancels.has(target) || this.heartbeatMs === 0) return;
    const child = this.child;
    this.cancels.set(
      target,
      this.setTimer(() => {
        this.cancels.delete(target);
        const r = this.inFlight.get(target);
        if (!r || this.child !== child || !child) return;
        this.hung(`The engine did not stop ${describeRequest(r)} within ${seconds(this.cancelGraceMs)} of its cancel`);
      }, this.cancelGraceMs),
    );
  }

  stop(): void {
    this.stopped = true;
    this.waiting = [];
    this.cancelTimer();
    this.dropChild();
  }

  /** Forget the current child (killing it): its exit, answers and notes no longer count. */
  private dropChild(): void {
    const old = this.child;
    this.child = null;
    this.inFlight.clear();
    for (const t of this.cancels.values()) this.clearTimer(t);
    this.cancels.clear();
    if (this.watchdog !== null) this.clearTimer(this.watchdog);
    this.watchdog = null;
    old?.kill();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  /** Every heartbeatMs: silent too long → hung; otherwise ask again. */
  private tick(child: ChildHandle): void {
    this.watchdog = null;
    if (this.child !== child || this.current.state !== 'ready') return;
    if (this.now() - this.lastHeard >= this.hangMs) {
      const r = this.requests.at(-1);
      const what = r ? ` while working on ${describeRequest(r)}` : '';
      this.hung(`The engine stopped answering for ${seconds(this.now() - this.lastHeard)}${what}`);
      return;
    }
    this.seq += 1;
    child.send({ type: ENGINE_HEARTBEAT, seq: this.seq });
    this.watchdog = this.setTimer(() => this.tick(child), this.heartbeatMs);
  }

  private hung(reason: string): void {
    this.dropChild();
    this.crashed(`${reason}, so it was stopped`, 'hung');
  }

  private heard(child: ChildHandle, message: unknown): boolean {
    this.lastHeard = this.now();
    const type = typeOf(message);
    if (type === ENGINE_ALIVE) return true;
    if (type !== ENGINE_ACTIVITY) return false;
    const note = message as ActivityNote;
    if (note.started && typeof note.started.id === 'string') {
      const { id, request, label } = note.started;
      this.inFlight.set(id, label ? { request: String(request), label: String(label) } : { request: String(request) });
    }
    if (typeof note.finished === 'string') {
      this.inFlight.delete(note.finished);
      const t = this.cancels.get(note.finished);
      if (t !== undefined) this.clearTimer(t);
      this.cancels.delete(note.finished);
    }
    return this.child === child;
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.options.onStatus(status);
  }

  private launch(state: 'starting' | 'restarting', message?: string, cause?: EngineStatus['cause']): void {
    this.setStatus({ state, ...(message ? { message } : {}), ...(cause ? { cause } : {}) });
    let child: ChildHandle;
    try {
      child = this.options.spawn();
    } catch (err) {
      this.crashed(`Could not start the engine: ${(err as Error).message}`);
      return;
    }
    this.child = child;
    child.onMessage((msg) => {
      if (this.child !== child) return;
      if (this.heard(child, msg)) return;
      if (isReadyMessage(msg)) {
        this.setStatus({ state: 'ready' });
        for (const waiting of this.waiting.splice(0)) child.send(waiting);
        if (this.heartbeatMs > 0) this.watchdog = this.setTimer(() => this.tick(child), this.heartbeatMs);
      } else this.options.onMessage?.(msg);
    });
    child.onExit(({ code, signal }) => {
      if (this.child !== child) return; // a child we replaced or stopped on purpose
      const busy = this.requests.at(-1);
      this.dropChild();
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      this.crashed(`The engine process stopped (${how})${busy ? ` while working on ${describeRequest(busy)}` : ''}`);
    });
    this.options.onSpawn?.(child);
  }

  private crashed(reason: string, cause: 'crashed' | 'hung' = 'crashed'): void {
    if (this.stopped) return;
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    if (this.crashes.length > this.maxCrashes) {
      this.waiting = [];
      this.setStatus({
        state: 'failed',
        message: `${reason}, ${this.crashes.length} times in ${Math.round(this.windowMs / 1000)} s; not restarting it again. Use Restart engine in the status bar once the cause is gone, or save your work and restart LayerCanvas.`,
      });
      return;
    }
    const delay = this.backoff[Math.min(this.crashes.length - 1, this.backoff.length - 1)];
    this.setStatus({
      state: 'restarting',
      cause,
      message: `${reason}; restarting it in ${delay} ms. Requests in flight were cancelled; your document is untouched.`,
    });
    this.timer = this.setTimer(() => {
      this.timer = null;
      if (!this.stopped) this.launch('restarting', `Starting a new engine (last one: ${reason}).`);
    }, delay);
  }
}
