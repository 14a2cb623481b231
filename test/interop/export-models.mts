/**
 * The models the interop suite hands to real Keras: every template, the article's models and the model fixtures,
 * each exported by the CLI (the `main` that bin/layercanvas.mjs runs, called in this one process so the suite
 * pays Node's start-up once) as Keras Python and as Keras JSON, each in both flavours, with `summary --json` beside.
 * Usage: node --import tsx test/interop/export-models.mts <out folder>; writes <out>/manifest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../cli/main';
import { writeProject } from '../../engine/formats/project';
import { TEMPLATES } from '../../engine/graph/templates';

const out = resolve(process.argv[2] ?? 'test-results/interop');
mkdirSync(out, { recursive: true });
const fixtures = resolve(import.meta.dirname, '../fixtures');

/**
 * Every model file the suite checks: templates (as project files) and the fixtures, by a short id. Not
 * python/article-cnn.py: it is the article's code as printed, missing a comma, kept to test that error; the
 * article's CNN is here as the template and as the TF.js and Keras JSON fixtures.
 */
const sources: { id: string; path: string }[] = [];
for (const t of TEMPLATES) {
  const path = join(out, `template-${t.id}.layercanvas.json`);
  writeFileSync(path, writeProject(t.build()));
  sources.push({ id: `template-${t.id}`, path });
}
for (const f of [
  'python/article-mlp.py',
  'python/residual-functional.py',
  'python/tf-keras2-mnist.py',
  'project/residual.layercanvas.json',
  'tfjs/article-mlp/model.json',
  'tfjs/article-cnn/model.json',
  'keras-json/keras3-sequential-article-cnn.json',
  'keras-json/keras3-functional-residual.json',
  'keras-json/keras3.15-sequential-article-cnn.json',
  'keras-json/keras3.15-functional-residual.json',
  'keras-json/tfkeras2-sequential-article-mlp.json',
  'keras-json/tfkeras2-functional-concatenate.json',
]) {
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

const manifest: Record<string, unknown>[] = [];
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
  manifest.push(entry);
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));
console.log(`exported ${manifest.length} models to ${out}`);
