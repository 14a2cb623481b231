/**
 * Keeps one engine process alive: spawns it, reports status, restarts it after a crash with growing delays, and
 * gives up (status `failed`) when it keeps crashing. Knows nothing of Electron or Node: the host passes a spawn
 * function returning a ChildHandle (a Node child process in `layercanvas serve`, a utilityProcess in Electron).
 */

/** Same shape as the renderer's EngineStatus (common/host.ts); the engine doesn't import the renderer. */
export interface EngineStatus {
  state: 'starting' | 'ready' | 'restarting' | 'failed';
  message?: string;
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

export function isReadyMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === ENGINE_READY;
}

const MAX_WAITING = 1000;

export class EngineSupervisor {
  private child: ChildHandle | null = null;
  private waiting: unknown[] = [];
  private crashes: number[] = [];
  private timer: unknown = null;
  private stopped = true;
  private current: EngineStatus = { state: 'starting' };
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
    this.now = options.now ?? Date.now;
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

  /** Kill the engine and start a fresh one now (e.g. to abandon a runaway computation). */
  restart(): void {
    this.stopped = false;
    this.crashes = [];
    const old = this.child;
    this.child = null;
    old?.kill();
    this.cancelTimer();
    this.launch('restarting', 'The engine was restarted on request.');
  }

  stop(): void {
    this.stopped = true;
    this.waiting = [];
    this.cancelTimer();
    const old = this.child;
    this.child = null;
    old?.kill();
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.options.onStatus(status);
  }

  private launch(state: 'starting' | 'restarting', message?: string): void {
    this.setStatus(message ? { state, message } : { state });
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
      if (isReadyMessage(msg)) {
        this.setStatus({ state: 'ready' });
        for (const waiting of this.waiting.splice(0)) child.send(waiting);
      }
      else this.options.onMessage?.(msg);
    });
    child.onExit(({ code, signal }) => {
      if (this.child !== child) return; // a child we replaced or stopped on purpose
      this.child = null;
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      this.crashed(`The engine process stopped (${how})`);
    });
    this.options.onSpawn?.(child);
  }

  private crashed(reason: string): void {
    if (this.stopped) return;
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    if (this.crashes.length > this.maxCrashes) {
      this.waiting = [];
      this.setStatus({
        state: 'failed',
        message: `${reason}, ${this.crashes.length} times in ${Math.round(this.windowMs / 1000)} s; not restarting it again. Save your work and restart LayerCanvas.`,
      });
      return;
    }
    const delay = this.backoff[Math.min(this.crashes.length - 1, this.backoff.length - 1)];
    this.setStatus({
      state: 'restarting',
      message: `${reason}; restarting it in ${delay} ms. Requests in flight were cancelled; your document is untouched.`,
    });
    this.timer = this.setTimer(() => {
      this.timer = null;
      if (!this.stopped) this.launch('restarting', `Starting a new engine (last one: ${reason}).`);
    }, delay);
  }
}
