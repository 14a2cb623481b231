/**
 * The LayerCanvas side of the Keras files interop tests (test_keras_files.py): for each file real Keras wrote
 * (.keras, legacy .h5) it runs the CLI's `summary --json`, `predict` (inference and training) and
 * `export --format keras` and `--format h5`; it loads each `.weights.h5` onto the model read without its weights and predicts; and it
 * exports every template as `.keras` (fresh seeded weights) and predicts with what it wrote.
 * Usage: node --import tsx test/interop/keras-files.mts <folder with keras-manifest.json>; writes results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../cli/main';
import { readKerasFile } from '../../engine/formats/keras-file';
import { loadWeightsH5 } from '../../engine/formats/keras-h5';
import { writeProject } from '../../engine/formats/project';
import { infer } from '../../engine/graph/inference';
import { TEMPLATES } from '../../engine/graph/templates';

const dir = resolve(process.argv[2] ?? 'test-results/interop-files');
interface KerasModel {
  id: string;
  /** The files Keras wrote, by kind: keras, h5, weights. */
  files: Record<string, string>;
  input: string;
  training: boolean;
}
const models: KerasModel[] = JSON.parse(readFileSync(join(dir, 'keras-manifest.json'), 'utf-8'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

const errors: string[] = [];
async function must(what: string, ...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  if (r.code !== 0) errors.push(`${what}: exit ${r.code}: ${r.err.trim()}`);
  return r.out;
}

/** summary, predictions, and our .keras and legacy .h5 of one model file. */
async function runFile(path: string, base: string, input: string, training: boolean): Promise<Record<string, unknown>> {
  const summary = await must(`summary ${path}`, 'summary', path, '--json');
  const predict = `${base}.predict.json`;
  await must(`predict ${path}`, 'predict', path, '--input', input, '--out', predict);
  const out: Record<string, unknown> = { summary: summary ? JSON.parse(summary) : null, predict };
  if (training) {
    out.predict_training = `${base}.predict-training.json`;
    await must(
      `predict --training ${path}`,
      'predict',
      path,
      '--input',
      input,
      '--training',
      '--out',
      out.predict_training as string,
    );
  }
  out.ours = `${base}.ours.keras`;
  await must(`export ${path}`, 'export', path, '--format', 'keras', '--out', out.ours as string);
  out.ours_h5 = `${base}.ours.h5`;
  await must(`export ${path} as h5`, 'export', path, '--format', 'h5', '--out', out.ours_h5 as string);
  return out;
}

const results: Record<string, unknown> = { models: {}, templates: {}, errors };
for (const m of models) {
  const entry: Record<string, unknown> = {};
  for (const kind of ['keras', 'h5'] as const)
    entry[kind] = await runFile(m.files[kind], join(dir, `${m.id}.${kind}`), m.input, m.training);
  // .weights.h5 onto the model read from the .keras file without its weights.
  const read = await readKerasFile(new Uint8Array(readFileSync(m.files.keras)));
  if (!read.ok) errors.push(`${m.id}: reading ${m.files.keras}: ${read.errors[0].message}`);
  else {
    const bare = { ...read.document, weights: undefined };
    const loaded = await loadWeightsH5(new Uint8Array(readFileSync(m.files.weights)), bare, 'weights.h5');
    if (!loaded.ok) errors.push(`${m.id}: loading ${m.files.weights}: ${loaded.errors[0].message}`);
    else {
      const project = join(dir, `${m.id}.weights-loaded.layercanvas.json`);
      writeFileSync(project, writeProject(loaded.document));
      const predict = join(dir, `${m.id}.weights-loaded.predict.json`);
      await must(`predict ${project}`, 'predict', project, '--input', m.input, '--out', predict);
      entry.weights = { predict };
    }
  }
  (results.models as Record<string, unknown>)[m.id] = entry;
}

/** A deterministic input batch of 2 for a template's input shape. */
function templateInput(shape: readonly (number | null)[]): { shape: number[]; data: number[] } {
  const dims = [2, ...shape.slice(1).map((d) => d ?? 1)];
  const size = dims.reduce((a, b) => a * b, 1);
  return { shape: dims, data: Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 0.9) };
}

for (const t of TEMPLATES) {
  const doc = t.build();
  const inference = infer(doc);
  if (inference.errorCount > 0 || inference.inputs.length !== 1 || inference.outputs.length !== 1) continue;
  const source = join(dir, `template-${t.id}.layercanvas.json`);
  writeFileSync(source, writeProject(doc));
  const ours = join(dir, `template-${t.id}.keras`);
  await must(`export template ${t.id}`, 'export', source, '--format', 'keras', '--out', ours);
  const input = join(dir, `template-${t.id}.input.json`);
  writeFileSync(input, JSON.stringify(templateInput(inference.nodes.get(inference.inputs[0])!.outputShape!)));
  const predict = join(dir, `template-${t.id}.predict.json`);
  // Predicting from the written file: the weights it holds are the ones Keras loads.
  await must(`predict template ${t.id}`, 'predict', ours, '--input', input, '--out', predict);
  const summary = await must(`summary template ${t.id}`, 'summary', ours, '--json');
  (results.templates as Record<string, unknown>)[t.id] = {
    keras: ours,
    input,
    predict,
    summary: summary ? JSON.parse(summary) : null,
  };
}
writeFileSync(join(dir, 'results.json'), JSON.stringify(results, null, 1));
console.log(
  `keras files: ${models.length} Keras models, ${Object.keys(results.templates as object).length} templates, ${errors.length} errors`,
);
