/**
 * The engine in an Electron utility process. Main supervises it (restart with backoff on a crash) but carries no
 * engine traffic: each window gets a MessagePort straight to the engine, and a fresh one after every restart.
 */
import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { PACKAGED_ARG, WASM_DIR_ARG } from '../../engine/host/kernels';
import { EngineSupervisor, type ChildHandle, type EngineStatus } from '../../engine/host/supervisor';
import { CHANNELS } from '../common/channels';

/** The message main sends the engine with a new port (see engine/host/utility-main.ts). */
export const CONNECT_MESSAGE = { type: 'connect' } as const;

export class EngineHost {
  private readonly supervisor: EngineSupervisor;
  private process: UtilityProcess | null = null;
  /** Windows that asked for the engine and get a port again after each restart. */
  private readonly clients = new Set<WebContents>();

  constructor(
    private readonly modulePath: string,
    private readonly onStatus: (status: EngineStatus) => void,
    /** The built kernels (dist/wasm); the engine's CommonJS bundle has no import.meta to find them by. */
    private readonly wasmDir: string,
    /** An installed app: on the reference kernels the engine then says to reinstall, not to build. */
    private readonly packaged = false,
  ) {
    this.supervisor = new EngineSupervisor({
      spawn: () => this.spawn(),
      onStatus: (status) => {
        if (status.state === 'ready') for (const wc of this.clients) this.connect(wc);
        this.onStatus(status);
      },
    });
  }

  get status(): EngineStatus {
    return this.supervisor.status;
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): void {
    this.supervisor.stop();
  }

  /** A window cancelled this request: an engine still on it after the grace period is restarted. */
  noteCancel(requestId: string): void {
    this.supervisor.noteCancel(requestId);
  }

  /** Kill the engine (hung, or busy with work nobody wants) and start a new one; windows get fresh ports. */
  restart(): void {
    this.supervisor.restart();
  }

  /** A window asked for an engine port: send one now if the engine is up, else once it is. */
  requestPort(wc: WebContents): void {
    if (!this.clients.has(wc)) {
      this.clients.add(wc);
      wc.once('destroyed', () => this.clients.delete(wc));
    }
    if (this.supervisor.status.state === 'ready') this.connect(wc);
  }

  private connect(wc: WebContents): void {
    if (wc.isDestroyed() || !this.process) return;
    const { port1, port2 } = new MessageChannelMain();
    this.process.postMessage(CONNECT_MESSAGE, [port1]);
    wc.postMessage(CHANNELS.enginePort, null, [port2]);
  }

  private spawn(): ChildHandle {
    const proc = utilityProcess.fork(
      this.modulePath,
      [`${WASM_DIR_ARG}${this.wasmDir}`, ...(this.packaged ? [PACKAGED_ARG] : [])],
      { serviceName: 'LayerCanvas Engine', stdio: 'inherit' },
    );
    this.process = proc;
    return {
      get pid() {
        return proc.pid;
      },
      send: (message) => proc.postMessage(message),
      kill: () => {
        proc.kill();
      },
      onMessage: (listener) => proc.on('message', listener),
      onExit: (listener) =>
        proc.once('exit', (code) => {
          if (this.process === proc) this.process = null;
          listener({ code });
        }),
    };
  }
}
