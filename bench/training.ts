// Training speed of the article's CNN (Flatten added so it classifies) at batch 64: our engine against tfjs-layers
// `fit` on its cpu and wasm backends, each in its own process so peak RSS is its own. Goals (same run):
// at least 3× tfjs-wasm in steps per second, and under 300 MB peak RSS for ours.
// Run: npx tsx bench/training.ts   (npm run bench runs it with the others)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELAXED_SIMD_FLAG } from '../engine/kernels/fast/relaxed-simd';

const BATCH = 64;
const STEPS = 12;
const WARMUP = 2;
const SHAPE = [28, 28, 3];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function data(n: number) {
  const per = SHAPE.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * per);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.013) * 0.5 + 0.5;
  const y = Int32Array.from({ length: n }, (_, i) => i % 2);
  return { x, y };
}

interface Measured {
  name: string;
  stepsPerSecond: number;
  peakRssMB: number;
  note?: string;
}

async function ours(): Promise<Measured> {
  const { chainDocument } = await import('../engine/graph/build');
  const { train } = await import('../engine/train/trainer');
  const { loadBackend, disposeBackend } = await import('../engine/kernels/registry');
  const { backend, issue } = await loadBackend('fast');
  const doc = chainDocument([
    { className: 'InputLayer', config: { shape: SHAPE } },
    { className: 'Conv2D', config: { filters: 32, kernel_size: 3, activation: 'relu' } },
    { className: 'BatchNormalization' },
    { className: 'Conv2D', config: { filters: 32, kernel_size: 3, activation: 'relu' } },
    { className: 'BatchNormalization' },
    { className: 'MaxPooling2D' },
    { className: 'Flatten' },
    { className: 'Dense', config: { units: 2, activation: 'softmax' } },
  ]);
  const { x, y } = data(BATCH * STEPS);
  const stamps: number[] = [];
  const r = await train(
    doc,
    { name: 'bench', description: '', x, y, sampleShape: SHAPE, numClasses: 2, count: BATCH * STEPS, normalization: [] },
    { loss: 'categorical_crossentropy', optimizer: { name: 'adam' }, epochs: 1, batchSize: BATCH, seed: 1, shuffle: true },
    { backend, onEvent: (e) => e.type === 'batch' && stamps.push(performance.now()) },
  );
  disposeBackend(backend);
  if (r.status !== 'completed') throw new Error(r.error?.message);
  const seconds = (stamps[STEPS - 1] - stamps[WARMUP - 1]) / 1000;
  const simd = backend.name === 'fast' ? ((backend as { relaxedSimd?: boolean }).relaxedSimd ? ', relaxed SIMD' : ', plain SIMD') : '';
  return { name: `LayerCanvas (${backend.name} kernels${simd})`, stepsPerSecond: (STEPS - WARMUP) / seconds, peakRssMB: process.resourceUsage().maxRSS / 1024, note: issue?.message };
}

async function tfjs(kind: 'cpu' | 'wasm'): Promise<Measured> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfl = await import('@tensorflow/tfjs-layers');
  if (kind === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  }
  if (!(await tf.setBackend(kind))) throw new Error(`tf.setBackend('${kind}') failed`);
  await tf.ready();
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ inputShape: SHAPE, filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tfl.layers.batchNormalization());
  m.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tfl.layers.batchNormalization());
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 2, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  // tfjs-cpu needs tens of seconds per step (its Conv2DBackpropFilter is naive): time fewer steps there.
  const steps = kind === 'cpu' ? 3 : STEPS;
  const warmup = kind === 'cpu' ? 1 : WARMUP;
  const { x, y } = data(BATCH * steps);
  const xt = tf.tensor(x, [BATCH * steps, ...SHAPE]);
  const yt = tf.oneHot(tf.tensor1d(y, 'int32'), 2);
  const stamps: number[] = [];
  await m.fit(xt, yt, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0, callbacks: { onBatchEnd: async () => void stamps.push(performance.now()) } });
  const seconds = (stamps[steps - 1] - stamps[warmup - 1]) / 1000;
  return { name: `tfjs-layers fit (${kind})`, stepsPerSecond: (steps - warmup) / seconds, peakRssMB: process.resourceUsage().maxRSS / 1024, note: `${steps - warmup} timed step(s)` };
}

async function child(which: string) {
  const name = which === 'ours' ? 'LayerCanvas' : `tfjs-layers fit (${which})`;
  try {
    const r = which === 'ours' ? await ours() : await tfjs(which as 'cpu' | 'wasm');
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
  } catch (e) {
    // e.g. tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so it cannot train a CNN at all.
    process.stdout.write(`RESULT ${JSON.stringify({ name, error: (e as Error).message.split('\n')[0] })}\n`);
  }
  process.exit(0);
}

function runChild(which: string): Measured | { name: string; error: string } {
  // The children run with the same relaxed-SIMD flag as this process (scripts/bench.mjs passes it where needed).
  const simd = process.execArgv.filter((a) => a === RELAXED_SIMD_FLAG);
  const r = spawnSync(process.execPath, [...simd, '--import', 'tsx', fileURLToPath(import.meta.url), '--child', which], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) return { name: which, error: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ') };
  return JSON.parse(line.slice(7));
}

export function runTrainingBench() {
  console.log(`training steps/s, article CNN + Flatten on ${SHAPE.join('×')}, batch ${BATCH}, Adam, ${STEPS - WARMUP} timed steps after ${WARMUP} warm-up:`);
  const results = ['ours', 'cpu', 'wasm'].map(runChild);
  const oursR = results[0];
  for (const r of results) {
    if ('error' in r) {
      console.log(`  ${r.name.padEnd(34)} cannot train: ${r.error}`);
      continue;
    }
    const ratio = 'error' in oursR ? '' : r === oursR ? '' : `  (ours ${(oursR.stepsPerSecond / r.stepsPerSecond).toFixed(2)}×)`;
    console.log(`  ${r.name.padEnd(34)} ${r.stepsPerSecond.toFixed(2).padStart(7)} steps/s  peak RSS ${r.peakRssMB.toFixed(0).padStart(5)} MB${ratio}${'note' in r && r.note ? `  [${r.note}]` : ''}`);
  }
  const wasm = results[2];
  if ('error' in wasm) console.log('  goal ≥3× tfjs-wasm: tfjs-wasm cannot train this model at all (see above); compared per kernel in bench/kernels.ts');
  if (!('error' in oursR)) console.log(`  goal peak RSS < 300 MB: ${oursR.peakRssMB < 300 ? 'met' : 'NOT met'} (${oursR.peakRssMB.toFixed(0)} MB)`);
  if (!('error' in oursR) && !('error' in wasm))
    console.log(`  goal ≥3× tfjs-wasm: ${oursR.stepsPerSecond / wasm.stepsPerSecond >= 3 ? 'met' : 'NOT met'} (${(oursR.stepsPerSecond / wasm.stepsPerSecond).toFixed(2)}×)`);
  const file = join(root, 'bench/results.json');
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...previous, training: { batch: BATCH, results, measuredAt: new Date().toISOString() } }, null, 2));
  return results;
}

const childAt = process.argv.indexOf('--child');
if (childAt > 0) await child(process.argv[childAt + 1]);
else if (import.meta.url === `file://${process.argv[1]}`) runTrainingBench();
