/**
 * The engine as a Node child process (the browser host: `layercanvas serve` forks this with the tsx loader).
 * Messages arrive as wire text over the IPC pipe and answers go back the same way; see wire.ts for why text.
 */
import { createEngineService } from './engine-service';
import { configureKernels, kernelOptionsFromArgv } from './kernels';
import { aliveAnswer, ENGINE_READY, isHeartbeat } from './supervisor';
import { decodeWire, encodeWire } from '../api/wire';

if (!process.send) {
  process.stderr.write(
    'engine/host/node-main.ts is started by `layercanvas serve` (it needs an IPC channel); run that instead.\n',
  );
  process.exit(2);
}

const send = (message: unknown) => {
  if (process.connected) process.send!(message);
};

// `layercanvas serve` names the kernels' folder (`--wasm-dir=`); without it, dist/wasm under the working directory.
configureKernels(kernelOptionsFromArgv(process.argv));

// Answers go out as wire text; the supervisor's own messages (heartbeats, activity notes) as plain objects.
const service = createEngineService((message) => send(encodeWire(message)), undefined, send);

process.on('message', (raw: unknown) => {
  if (isHeartbeat(raw)) {
    send(aliveAnswer(raw));
    return;
  }
  if (typeof raw !== 'string') {
    send(
      encodeWire({
        id: null,
        ok: false,
        error: { code: 'bad-request', message: `Engine messages are wire text; got ${typeof raw}.` },
      }),
    );
    return;
  }
  let message: unknown;
  try {
    message = decodeWire(raw);
  } catch (err) {
    send(
      encodeWire({
        id: null,
        ok: false,
        error: { code: 'bad-request', message: `Engine message isn't valid JSON: ${(err as Error).message}.` },
      }),
    );
    return;
  }
  service.handle(message);
});

// The parent going away (server stopped, crashed) ends the engine too; an orphan would keep computing for nobody.
process.on('disconnect', () => process.exit(0));

send({ type: ENGINE_READY });
