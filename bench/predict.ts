// The Predict pad's latency: one 28×28 MNIST test digit through the CNN the pad is built for (the template "CNN, BN
// between convolution and activation": Conv2D → BN → ReLU twice, pooling, Flatten, Dense(10) → BN → softmax), with
// trained weights, asking for the feature maps as the pad does, from request to class scores, over each path the app's
// requests take:
//   - in process: the engine service called directly (no transport): the engine's own time;
//   - Electron: the built dist/engine/utility-main.cjs in a utility-process stand-in (a worker thread with
//     Electron's parentPort API), reached through a MessagePort with structured clone, as the desktop window does;
//   - browser host: `layercanvas serve`, a WebSocket to it carrying wire text, relayed over IPC to the engine's own
//     Node process, as the page in Chromium does.
// Every path goes through the renderer's engine client (renderer/services/engine-client.ts), which checks each answer.
// The e2e test (test/e2e/predict.test.ts) records the in-app figure, including drawing the bars.
// Run: npx tsx bench/predict.ts   (npm run bench runs it with the others; needs `npm run build`)
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { startServer } from '../cli/serve';
import { ENGINE_SOCKET_PATH, SERVER_STATUS_TYPE } from '../common/socket-protocol';
import { infer } from '../engine/graph/inference';
import { getTemplate } from '../engine/graph/templates';
import { appliedActivation } from '../engine/graph/advice';
import type { ModelDocument } from '../engine/graph/document';
import type { KernelsReport, SampleWindow, TrainOutcome } from '../engine/api/protocol';
import { decodeWire, encodeWire } from '../engine/api/wire';
import { createEngineClient, type EngineClient } from '../renderer/services/engine-client';
import type { EnginePort } from '../common/host';
import { classScores } from '../renderer/panels/predict/math';
import { ensureBuilt, ROOT } from '../scripts/build-steps.mjs';
import { createElectronStub, type PortMain } from '../test/support/electron-stub';
import { memoryEnginePort } from '../test/support/engine';

const WARM = 5;
const RUNS = Number(process.env.BENCH_PREDICT_RUNS ?? 60);

/** The layers whose outputs the pad shows as feature maps (renderer/panels/predict/run-predict.ts's rule). */
const FEATURE_MAP_LAYERS = new Set([
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'MaxPooling2D',
  'AveragePooling2D',
]);

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}

async function must<T>(
  answer: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
): Promise<T> {
  const a = await answer;
  if (!a.ok) throw new Error(a.error.message);
  return a.value;
}

function portMainAsEnginePort(port: PortMain): EnginePort {
  const listeners = new Set<(m: unknown) => void>();
  port.on('message', ({ data }) => listeners.forEach((l) => l(data)));
  port.start();
  return {
    postMessage: (m) => port.postMessage(m),
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => port.close(),
  };
}

async function electronPath() {
  const stub = createElectronStub();
  const child = stub.electron.utilityProcess.fork(join(ROOT, 'dist/engine/utility-main.cjs'), [
    `--wasm-dir=${join(ROOT, 'dist/wasm')}`,
  ]);
  await new Promise((resolve) => child.once('message', resolve));
  const { port1, port2 } = new stub.electron.MessageChannelMain();
  child.postMessage({ type: 'connect' }, [port1]);
  return { port: portMainAsEnginePort(port2), close: () => stub.dispose() };
}

async function browserHostPath() {
  const server = await startServer({ port: 0, open: false, log: () => {} });
  const { origin } = new URL(server.url);
  const socket = new URL(ENGINE_SOCKET_PATH, origin.replace('http', 'ws'));
  socket.search = new URLSearchParams({ token: server.token, page: 'bench-predict' }).toString();
  const ws = new WebSocket(socket, { headers: { Origin: origin } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const listeners = new Set<(m: unknown) => void>();
  ws.on('message', (data) => {
    const message = decodeWire(data.toString()) as { type?: string };
    if (message.type !== SERVER_STATUS_TYPE) listeners.forEach((l) => l(message));
  });
  const port: EnginePort = {
    postMessage: (m) => ws.send(encodeWire(m)),
    onMessage: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: () => ws.close(),
  };
  return {
    port,
    close: async () => {
      ws.close();
      await server.close();
    },
  };
}

interface Row {
  path: string;
  kernels: string;
  firstMs: number;
  medianMs: number;
  p95Ms: number;
}

async function measure(
  path: string,
  client: EngineClient,
  doc: ModelDocument,
  x: Float32Array,
  classNames: string[],
): Promise<Row> {
  const inference = infer(doc);
  const capture = inference.topology.order.filter(
    (id) =>
      FEATURE_MAP_LAYERS.has(inference.topology.byId.get(id)!.className) &&
      inference.nodes.get(id)?.outputShape?.length === 4,
  );
  const last = inference.topology.byId.get(inference.outputs[0])!;
  const once = async () => {
    const t0 = performance.now();
    const answer = await must(
      client.request('predict', {
        document: doc,
        input: { shape: [1, 28, 28, 1], data: x as Float32Array<ArrayBuffer> },
        capture,
      }),
    );
    const scores = classScores(answer.output.data, appliedActivation(last), classNames);
    const ms = performance.now() - t0;
    if (Object.keys(answer.captured).length !== capture.length || scores.probabilities.length !== 10)
      throw new Error(`${path}: the answer lacks feature maps or scores`);
    return ms;
  };
  const kernels = await must(client.request('kernels', {}));
  const firstMs = await once();
  for (let i = 0; i < WARM; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await once());
  return {
    path,
    kernels: (kernels as KernelsReport).label,
    firstMs,
    medianMs: percentile(times, 0.5),
    p95Ms: percentile(times, 0.95),
  };
}

export async function runPredictBench(): Promise<Row[]> {
  ensureBuilt(['wasm', 'electron']);
  // Trained weights, as the pad uses after a run: one epoch on 2,048 MNIST digits, in process.
  const trainer = createEngineClient(memoryEnginePort());
  const template = getTemplate('cnn-bn-before-activation')!.build();
  const trained = await must(
    trainer.request('train', {
      document: template,
      dataset: { id: 'mnist', subset: 2048 },
      settings: {
        loss: 'sparse_categorical_crossentropy',
        optimizer: { name: 'adam' },
        epochs: 1,
        batchSize: 64,
        seed: 1,
      },
    }),
  );
  const doc: ModelDocument = { ...template, weights: (trained as TrainOutcome).runs[0].weights };
  const digits = (await must(
    trainer.request('samples', { dataset: 'mnist', split: 'test', offset: 0, count: 1 }),
  )) as SampleWindow;
  const x = digits.x.slice(0, 784);
  trainer.dispose();

  const rows: Row[] = [];
  const paths: [string, () => Promise<{ port: EnginePort; close(): Promise<unknown> | unknown }>][] = [
    ['in process (engine only)', async () => ({ port: memoryEnginePort(), close: () => {} })],
    ['Electron (utility process, MessagePort)', electronPath],
    ['browser host (WebSocket → IPC child)', browserHostPath],
  ];
  for (const [name, open] of paths) {
    const { port, close } = await open();
    const client = createEngineClient(port);
    try {
      rows.push(await measure(name, client, doc, x, digits.classNames));
    } finally {
      client.dispose();
      await close();
    }
  }
  const engineOnly = rows[0].medianMs;
  const title = getTemplate('cnn-bn-before-activation')!.title;
  console.log(`Predict pad latency: one MNIST test digit through "${title}" (trained, 7 feature maps),`);
  console.log(`${RUNS} requests after ${WARM} warm-up`);
  const columns = [
    'path'.padEnd(41),
    'kernels'.padEnd(30),
    'first request',
    'median'.padEnd(9),
    'p95'.padEnd(9),
    'vs in process',
  ];
  console.log(columns.join(' | '));
  const ms = (v: number, digits: number, width: number) => `${v.toFixed(digits)} ms`.padStart(width);
  for (const r of rows) {
    const cells = [
      r.path.padEnd(41),
      r.kernels.padEnd(30),
      ms(r.firstMs, 1, 13),
      ms(r.medianMs, 2, 9),
      ms(r.p95Ms, 2, 9),
    ];
    console.log(`${cells.join(' | ')} | ${(r.medianMs / engineOnly).toFixed(2)}×`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runPredictBench().then(
    () => process.exit(0),
    (e) => {
      console.error(`bench/predict: ${(e as Error).message}`);
      process.exit(1);
    },
  );
}
