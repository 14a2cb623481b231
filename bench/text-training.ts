// Training speed of the text template (Input 16 ids → Embedding(89, 16) → LSTM(32) → Dense(2, softmax)) on the
// 4,000 built-in review sentences, batch 32, Adam, one epoch (125 steps), side by side in one run: ours
// (`layercanvas train --profile` in its own process: steady-state ms per step after its 3 warm-up steps) and real
// Keras 3 on TensorFlow CPU (through .venv-keras/bin/python: steps per second after 10 warm-up steps) from the same
// initial weights (ours, exported as .keras) on the same ids in the same order. Best of ROUNDS alternating runs,
// since the machine is shared. Goal: ≥ 1.0× Keras's steps/s, and the same epoch loss within a few percent.
// Run: npx tsx bench/text-training.ts   (npm run bench runs it with the others; `--quick`: one round)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permutation } from '../engine/data/dataset';
import { reviews } from '../engine/data/generators/reviews';
import { exportModel } from '../engine/formats/export';
import { writeProject } from '../engine/formats/project';
import { getTemplate } from '../engine/graph/templates';
import { compileModel, exportWeights } from '../engine/train/executor';

const BATCH = 32;
const WARMUP = 10;
const SEED = 0;
const ROUNDS = process.argv.includes('--quick') ? 1 : 3;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = join(root, '.venv-keras/bin/python');

interface Result {
  name: string;
  stepsPerSecond: number;
  loss: number;
  cpuMsPerStep?: number;
}

function ours(project: string): Result {
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      join(root, 'bin/layercanvas.mjs'),
      'train',
      project,
      '--dataset',
      'reviews',
      '--epochs',
      '1',
      '--batch-size',
      String(BATCH),
      '--validation-split',
      '0',
      '--seed',
      String(SEED),
      '--profile',
    ],
    { encoding: 'utf8', cwd: root },
  );
  const profile = /\(([\d.]+) steps\/s\)(?: on (\d+) thread)?/.exec(r.stdout ?? '');
  const loss = /completed, loss ([\d.]+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !profile || !loss) throw new Error(`layercanvas train failed: ${r.stderr?.slice(-500)}`);
  return {
    name: `LayerCanvas (${profile[2] ?? 1} threads)`,
    stepsPerSecond: Number(profile[1]),
    loss: Number(loss[1]),
  };
}

function keras(files: { model: string; x: string; y: string; count: number; length: number }): Result {
  const script = join(root, 'bench/keras_text_train.py');
  const args = [script, files.model, files.x, files.y, files.count, files.length, BATCH, WARMUP].map(String);
  const r = spawnSync(PYTHON, args, { encoding: 'utf8' });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`Keras failed: ${r.stderr?.slice(-500)}`);
  return JSON.parse(line.slice(7)) as Result;
}

const best = (rs: Result[]) => rs.reduce((a, b) => (b.stepsPerSecond > a.stepsPerSecond ? b : a));

const load = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'layercanvas-text-bench-'));
try {
  const doc = getTemplate('text-lstm')!.build();
  const compiled = compileModel(doc, SEED);
  if (!compiled.ok) throw new Error('the text template does not compile');
  const initial = { ...doc, weights: exportWeights(compiled.model) };
  const project = join(dir, 'text.layercanvas.json');
  writeFileSync(project, writeProject(initial));
  const written = await exportModel(initial, 'keras');
  if (!written.ok) throw new Error(written.message);
  const model = join(dir, 'text.keras');
  writeFileSync(model, written.files[0].data);
  // The order the trainer visits epoch 0 in (engine/train/trainer.ts seeds it with seed · 1000003 + epoch).
  const data = reviews();
  const length = data.sampleShape[0];
  const order = permutation(data.count, SEED * 1000003);
  const x = new Int32Array(data.count * length);
  const y = new Int32Array(data.count);
  order.forEach((i, k) => {
    for (let j = 0; j < length; j++) x[k * length + j] = data.x[i * length + j];
    y[k] = data.y[i];
  });
  const files = { model, x: join(dir, 'x.i32'), y: join(dir, 'y.i32'), count: data.count, length };
  writeFileSync(files.x, x);
  writeFileSync(files.y, y);
  console.log(
    `text training: ${doc.name}, batch ${BATCH}, Adam, one epoch of ${data.count} review sentences ` +
      `(${Math.ceil(data.count / BATCH)} steps), best of ${ROUNDS} alternating round(s); load average ${load.map((l) => l.toFixed(1)).join(' ')}`,
  );
  const runs: { ours: Result[]; keras: Result[] } = { ours: [], keras: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.ours.push(ours(project));
    if (existsSync(PYTHON)) runs.keras.push(keras(files));
  }
  const a = best(runs.ours);
  console.log(`${a.name}: ${a.stepsPerSecond.toFixed(1)} steps/s, epoch loss ${a.loss.toFixed(4)}`);
  const results: Record<string, unknown> = { ours: a };
  if (runs.keras.length) {
    const k = best(runs.keras);
    console.log(
      `${k.name}: ${k.stepsPerSecond.toFixed(1)} steps/s (${k.cpuMsPerStep!.toFixed(1)} CPU ms/step), epoch loss ${k.loss.toFixed(4)}`,
    );
    console.log(
      `ours / Keras: ${(a.stepsPerSecond / k.stepsPerSecond).toFixed(2)}× steps/s; loss ${(((a.loss - k.loss) / k.loss) * 100).toFixed(1)}% apart`,
    );
    results.keras = k;
  } else console.log(`Keras: not measured (${PYTHON} is missing)`);
  const file = join(root, 'bench/results.json');
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  mkdirSync(dirname(file), { recursive: true });
  const textTraining = {
    batch: BATCH,
    loadAverage: { start: load, end: loadavg() },
    ...results,
    measuredAt: new Date().toISOString(),
  };
  writeFileSync(file, `${JSON.stringify({ ...previous, textTraining }, null, 2)}\n`);
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; wrote bench/results.json`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
