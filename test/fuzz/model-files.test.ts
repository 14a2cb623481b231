// Fuzz: malformed model files through the CLI in this process (validate, summary --json, export): Keras JSON,
// project files, TF.js model.json with hostile manifests and shards, and Keras Python. Every case ends with exit
// 0 or 1 and one-line messages; none throws, hangs or prints a stack.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { exportKerasPython } from '../../engine/formats/keras-python';
import { TEMPLATES } from '../../engine/graph/templates';
import { applyEdits, cli, editArb, measure, params, recordTo } from './support';

recordTo('model-files');

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const JSON_SEEDS = [
  fixture('keras-json/keras3-functional-residual.json'),
  fixture('keras-json/keras3-sequential-article-cnn.json'),
  fixture('keras-json/tfkeras2-functional-concatenate.json'),
  fixture('keras-json/tfkeras2-sequential-article-mlp.json'),
];
const PROJECT_SEED = fixture('project/residual.layercanvas.json');
const TFJS_SEED = fixture('tfjs/article-mlp/model.json');
const TFJS_SHARD = readFileSync(new URL('../fixtures/tfjs/article-mlp/group1-shard1of1.bin', import.meta.url));
const PY_SEEDS = [
  fixture('python/article-mlp.py'),
  fixture('python/article-cnn.py'),
  fixture('python/residual-functional.py'),
  ...TEMPLATES.map((t) => exportKerasPython(t.build())),
];

const dir = mkdtempSync(join(tmpdir(), 'layercanvas-fuzz-models-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS: string[][] = [['validate'], ['summary', '--json'], ['export', '--format', 'keras-py']];
const commandArb = fc.constantFrom(...COMMANDS);

/** Runs a command on the file, and checks the answer: exit 0 or 1, a reason on failure, one line per message. */
async function check(kind: string, file: string, command: string[], show: () => string) {
  const [verb, ...opts] = command;
  const r = await measure(kind, show, () => cli(verb, file, ...opts));
  expect([0, 1]).toContain(r.code);
  // validate prints its problems on stdout, the others on stderr: either way a failure says why.
  if (r.code === 1) expect(r.err.length + (verb === 'validate' ? r.out.length : 0)).toBeGreaterThan(0);
}

/** Replace the value at a random path of a JSON document with `value`. */
function replaceAt(doc: unknown, path: number[], value: unknown): unknown {
  if (!path.length || typeof doc !== 'object' || doc === null) return value;
  const keys = Object.keys(doc);
  if (!keys.length) return value;
  const key = keys[path[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(doc)
    ? ([...doc] as unknown as Record<string, unknown>)
    : { ...(doc as Record<string, unknown>) };
  copy[key] = replaceAt((doc as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

/** Values a hostile file puts where a model expects small numbers, names and lists. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    1e308,
    -1,
    0,
    2 ** 31,
    2 ** 53 + 1,
    1e9,
    '',
    '..',
    '/etc/passwd',
    null,
    [],
    {},
    [1e9, 1e9, 1e9],
    'x'.repeat(5000),
  ),
  fc.integer({ min: 1, max: 400 }).map((d) => JSON.parse(`${'['.repeat(d)}1${']'.repeat(d)}`)),
);

const JSON_ALPHABET = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '0',
  '1',
  '-',
  'e',
  '.',
  'null',
  'true',
  ' ',
  '\n',
  '\\',
  '\u0000',
  'é',
  '"units"',
  '"class_name"',
];

describe('fuzz: malformed model files through the CLI', () => {
  it('Keras JSON with damaged text', async () => {
    const file = join(dir, 'text.json');
    await fc.assert(
      fc.asyncProperty(
        fc.nat(JSON_SEEDS.length - 1),
        fc.array(editArb(JSON_ALPHABET), { minLength: 1, maxLength: 6 }),
        commandArb,
        async (seed, edits, command) => {
          const text = applyEdits(JSON_SEEDS[seed], edits);
          writeFileSync(file, text);
          await check('keras-json-text', file, command, () => text);
        },
      ),
      params(300),
    );
  });

  it('Keras JSON and project files with hostile values in their structure', async () => {
    const file = join(dir, 'model.json');
    const seeds = [...JSON_SEEDS, PROJECT_SEED].map((t) => JSON.parse(t));
    await fc.assert(
      fc.asyncProperty(
        fc.nat(seeds.length - 1),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }),
        hostileValue,
        commandArb,
        async (seed, path, value, command) => {
          const text = JSON.stringify(replaceAt(seeds[seed], path, value));
          writeFileSync(file, text);
          await check(
            seed === seeds.length - 1 ? 'project-structure' : 'keras-json-structure',
            file,
            command,
            () => text,
          );
        },
      ),
      params(400),
    );
  });

  it('any JSON at all, including deep nesting', async () => {
    const file = join(dir, 'any.json');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json({ maxDepth: 6 }),
          fc.integer({ min: 1, max: 5000 }).map((d) => '['.repeat(d)),
          fc.integer({ min: 200, max: 2000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
        ),
        async (text) => {
          writeFileSync(file, text);
          await check('json-any', file, ['validate'], () => text);
        },
      ),
      params(150),
    );
  });

  it('TF.js model.json with hostile manifests: paths out of the folder, symlinks, duplicates, wrong shapes and dtypes', async () => {
    const root = join(dir, 'tfjs');
    mkdirSync(join(root, 'model', 'sub'), { recursive: true });
    mkdirSync(join(root, 'model-private'), { recursive: true });
    writeFileSync(join(root, 'model-private', 'secret.bin'), 'secret');
    writeFileSync(join(root, 'model', 'group1-shard1of1.bin'), TFJS_SHARD);
    writeFileSync(join(root, 'model', 'short.bin'), TFJS_SHARD.subarray(0, 100));
    symlinkSync('/etc/passwd', join(root, 'model', 'passwd.bin'));
    symlinkSync(join(root, 'model', 'group1-shard1of1.bin'), join(root, 'model', 'sub', 'inside-link.bin'));
    const file = join(root, 'model', 'model.json');
    writeFileSync(file, TFJS_SEED);
    const before = readdirSync(join(root, 'model')).sort();
    const seed = JSON.parse(TFJS_SEED);
    const pathArb = fc.oneof(
      fc.constantFrom(
        'group1-shard1of1.bin',
        'short.bin',
        'passwd.bin',
        'sub/inside-link.bin',
        '../model-private/secret.bin',
        '.',
        '..',
        '',
        '/etc/passwd',
        'sub',
        'missing.bin',
        'a\u0000b',
        '../model/group1-shard1of1.bin',
      ),
      fc.string({ maxLength: 20 }),
    );
    const weightArb = fc.record({
      name: fc.constantFrom('dense/kernel', 'dense/bias', 'dense_1/kernel', 'x'),
      shape: fc.array(fc.oneof(fc.nat(40), fc.constantFrom(-1, 1e9, 2 ** 31)), { maxLength: 4 }),
      dtype: fc.constantFrom('float32', 'float32', 'int32', 'float16', undefined),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathArb, { minLength: 1, maxLength: 5 }),
        fc.option(fc.array(weightArb, { maxLength: 5 })),
        fc.boolean(),
        async (paths, weights, keepSeedWeights) => {
          const manifest = [
            { paths, weights: keepSeedWeights || !weights ? seed.weightsManifest[0].weights : weights },
          ];
          const text = JSON.stringify({ ...seed, weightsManifest: manifest });
          writeFileSync(file, text);
          await check('tfjs-manifest', file, ['export', '--format', 'weights-json'], () => JSON.stringify(manifest));
        },
      ),
      params(200),
    );
    // Nothing was written or lost beside the model.
    expect(readdirSync(join(root, 'model')).sort()).toEqual(before);
  });

  it('Keras Python: damaged programs and hostile constructs (list bombs, deep nesting, huge numbers)', async () => {
    const file = join(dir, 'model.py');
    const alphabet = [
      ...'()[]{},:=.+-*/\'"#\\\n\t _xyz0123456789e',
      'Dense',
      'layers.',
      'keras',
      'import ',
      'lambda',
      'None',
      '\u2019',
      '\r',
      '\u00e9',
    ];
    const bomb = fc.constantFrom(
      'a=[0]*100000\nb=[a]*100000\nc=[b]*100000\nd = c == c\n',
      'a=[0]*50000\nb=a+a\nc=[b,b]\n',
      `${'x = [0] * 99999\ny = x == x\n'.repeat(30)}`,
      `a = [0]\n${'a = [a]\n'.repeat(150)}`,
      `x = ${'('.repeat(500)}1${')'.repeat(500)}\n`,
      'x = 10 ** 400\ny = 1e999\n',
      `s = "ab"\n${'s = s + s\n'.repeat(40)}`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat(PY_SEEDS.length - 1),
        fc.array(editArb(alphabet), { maxLength: 6 }),
        fc.option(bomb, { freq: 3 }),
        commandArb,
        async (seed, edits, inject, command) => {
          const text = (inject ?? '') + applyEdits(PY_SEEDS[seed], edits);
          writeFileSync(file, text);
          await check('keras-python', file, command, () => text);
        },
      ),
      params(400),
    );
  });
});
