/**
 * The engine as an Electron utility process. Main sends `{ type: 'connect' }` with a MessagePort for each window;
 * the window's requests arrive on that port (structured clone, so no wire encoding) and answers go back on it.
 * Written against the shape of Electron's parentPort so the engine imports nothing from Electron. Main starts it
 * with `--wasm-dir=<folder>` naming the built kernels (see kernels.ts).
 */
import { createEngineService } from './engine-service';
import { configureKernels, kernelOptionsFromArgv } from './kernels';
import { aliveAnswer, ENGINE_READY, isHeartbeat } from './supervisor';

interface PortMessageEvent {
  data: unknown;
  ports: PortLike[];
}

interface PortLike {
  on(event: 'message', listener: (event: PortMessageEvent) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}

const parentPort = (process as unknown as { parentPort?: PortLike }).parentPort;

if (!parentPort) {
  process.stderr.write(
    'engine/host/utility-main is started by the LayerCanvas desktop app (Electron utilityProcess); run the app instead.\n',
  );
  process.exit(2);
}

// A CommonJS bundle has no import.meta to find its files by: main names the kernels' folder on the command line.
configureKernels(kernelOptionsFromArgv(process.argv));

const note = (message: unknown) => parentPort.postMessage(message);

parentPort.on('message', (event) => {
  if (isHeartbeat(event.data)) {
    note(aliveAnswer(event.data));
    return;
  }
  const data = event.data as { type?: unknown } | null;
  const port = event.ports?.[0];
  if (data?.type !== 'connect' || !port) return;
  // Each window has its own service; all of them tell main what they are working on, for the watchdog.
  const service = createEngineService((message) => port.postMessage(message), undefined, note);
  port.on('message', (e) => service.handle(e.data));
  port.start();
});

parentPort.postMessage({ type: ENGINE_READY });
