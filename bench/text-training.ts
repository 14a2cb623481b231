// Training speed of the text template (Input 16 ids → Embedding(89, 16) → LSTM(32) → Dense(2, softmax)) on the
// 4,000 built-in review sentences, batch 32, Adam, one epoch (125 steps), side by side in one run: ours
// (`layercanvas train --profile` in its own process: steady-state ms per step after its 3 warm-up steps) and real
// Keras 3 on TensorFlow CPU (through .venv-keras/bin/python: steps per second after 10 warm-up steps) from the same
// initial weights (ours, exported as .keras) on the same ids in the same order. Best of ROUNDS alternating runs,
// since the machine is shared. Goal: ≥ 1.0× Keras's steps/s, and the same epoch loss within a few percent. Then the
// same with the LSTM's recurrent_dropout=0.2 (Keras's implementation 1: a product per gate; the masks are random in
// both, so the losses agree only roughly) and with activation='relu' (the time-series tutorials' LSTM).
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
import type { ModelDocument } from '../engine/graph/document';
import type { LayerConfig } from '../engine/layers/types';
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

/** The template, then its LSTM with each of these config changes. */
const VARIANTS: { label: string; lstm: LayerConfig }[] = [
  { label: 'template', lstm: {} },
  { label: 'recurrent_dropout=0.2', lstm: { recurrent_dropout: 0.2 } },
  { label: "activation='relu'", lstm: { activation: 'relu' } },
];

/** A variant's document with the engine's initial weights, as a project file for ours and a .keras file for Keras. */
async function variantFiles(dir: string, k: number, lstm: LayerConfig) {
  const template = getTemplate('text-lstm')!.build();
  const doc: ModelDocument = {
    ...template,
    nodes: template.nodes.map((n) => (n.className === 'LSTM' ? { ...n, config: { ...n.config, ...lstm } } : n)),
  };
  const compiled = compileModel(doc, SEED);
  if (!compiled.ok) throw new Error(`the text template does not compile with ${JSON.stringify(lstm)}`);
  const initial = { ...doc, weights: exportWeights(compiled.model) };
  const project = join(dir, `text-${k}.layercanvas.json`);
  writeFileSync(project, writeProject(initial));
  const written = await exportModel(initial, 'keras');
  if (!written.ok) throw new Error(written.message);
  const model = join(dir, `text-${k}.keras`);
  writeFileSync(model, written.files[0].data);
  return { doc, project, model };
}

const load = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'layercanvas-text-bench-'));
try {
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
  const ids = { x: join(dir, 'x.i32'), y: join(dir, 'y.i32'), count: data.count, length };
  writeFileSync(ids.x, x);
  writeFileSync(ids.y, y);
  const measured: Record<string, { ours: Result; keras?: Result }> = {};
  for (const [k, variant] of VARIANTS.entries()) {
    const { doc, project, model } = await variantFiles(dir, k, variant.lstm);
    if (k === 0)
      console.log(
        `text training: ${doc.name}, batch ${BATCH}, Adam, one epoch of ${data.count} review sentences ` +
          `(${Math.ceil(data.count / BATCH)} steps), best of ${ROUNDS} alternating round(s); load average ${load.map((l) => l.toFixed(1)).join(' ')}`,
      );
    else console.log(`with the LSTM's ${variant.label}:`);
    const runs: { ours: Result[]; keras: Result[] } = { ours: [], keras: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.ours.push(ours(project));
      if (existsSync(PYTHON)) runs.keras.push(keras({ ...ids, model }));
    }
    const a = best(runs.ours);
    console.log(`${a.name}: ${a.stepsPerSecond.toFixed(1)} steps/s, epoch loss ${a.loss.toFixed(4)}`);
    measured[variant.label] = { ours: a };
    if (runs.keras.length) {
      const kr = best(runs.keras);
      console.log(
        `${kr.name}: ${kr.stepsPerSecond.toFixed(1)} steps/s (${kr.cpuMsPerStep!.toFixed(1)} CPU ms/step), epoch loss ${kr.loss.toFixed(4)}`,
      );
      console.log(
        `ours / Keras: ${(a.stepsPerSecond / kr.stepsPerSecond).toFixed(2)}× steps/s; loss ${(((a.loss - kr.loss) / kr.loss) * 100).toFixed(1)}% apart`,
      );
      measured[variant.label].keras = kr;
    } else console.log(`Keras: not measured (${PYTHON} is missing)`);
  }
  const file = join(root, 'bench/results.json');
  const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  mkdirSync(dirname(file), { recursive: true });
  const { template, ...variants } = measured;
  const textTraining = {
    batch: BATCH,
    loadAverage: { start: load, end: loadavg() },
    ...template,
    variants,
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
