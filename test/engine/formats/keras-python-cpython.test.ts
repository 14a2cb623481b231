/**
 * CPython as the reference for Python syntax: exported code must compile, and text CPython refuses must not
 * import. Skipped where no python3 is installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import { TEMPLATES } from '../../../engine/graph/templates';

/** Compiles each source with CPython; null when it compiles, else CPython's `line:column message`. */
const CHECKER = `
import json, sys, warnings
warnings.simplefilter("ignore")
out = []
for src in json.load(sys.stdin):
    try:
        compile(src, "<model>", "exec", dont_inherit=True)
        out.append(None)
    except (SyntaxError, ValueError) as e:
        out.append(f"{getattr(e, 'lineno', 0)}:{getattr(e, 'offset', 0)} {e.__class__.__name__}: {getattr(e, 'msg', str(e))}")
json.dump(out, sys.stdout)
`;

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;

function cpython(sources: string[]): (string | null)[] {
  const r = spawnSync('python3', ['-c', CHECKER], {
    input: JSON.stringify(sources),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as (string | null)[];
}

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/python/${name}`, import.meta.url), 'utf8');

describe.skipIf(!hasPython)('CPython agrees', () => {
  it('exported code compiles: every template, both flavours, and documents with problems', () => {
    const docs = [
      ...TEMPLATES.map((t) => t.build()),
      chainDocument([
        { className: 'InputLayer', config: { shape: [null, null, 3], batch_size: 2 }, name: 'img "quoted"' },
        {
          className: 'ZeroPadding2D',
          config: {
            padding: [
              [1, 2],
              [3, 4],
            ],
          },
        },
        { className: 'LeakyReLU', config: { negative_slope: 1e-7 } },
        { className: 'Reshape', config: { target_shape: [-1] } },
      ]),
      graphDocument(
        [
          { className: 'InputLayer', config: { shape: [4] } },
          { className: 'Dense', config: { units: 0 } },
          { className: 'Concatenate' },
          { className: 'Mystery' },
        ],
        [
          [0, 2],
          [1, 2],
        ],
      ),
    ];
    const sources = docs.flatMap((d) => [exportKerasPython(d), exportKerasPython(d, { flavor: 'tf.keras' })]);
    expect(cpython(sources)).toEqual(sources.map(() => null));
  });

  it('the fixtures compile, except the article CNN with its missing comma, which CPython also refuses', () => {
    const names = ['article-mlp.py', 'article-cnn.py', 'residual-functional.py', 'tf-keras2-mnist.py'];
    const verdicts = cpython(names.map(fixture));
    expect(verdicts.map((v) => v === null)).toEqual([true, false, true, true]);
    // CPython says "Perhaps you forgot a comma?" about the whole call; LayerCanvas names the spot, line 4 column 43.
    expect(verdicts[1]).toMatch(/^4:\d+ SyntaxError/);
  });

  it('mutated programs: whatever CPython refuses, LayerCanvas refuses too', () => {
    const seeds = [
      fixture('article-mlp.py'),
      fixture('residual-functional.py'),
      fixture('tf-keras2-mnist.py'),
      ...TEMPLATES.map((t) => exportKerasPython(t.build())),
    ];
    const alphabet = [
      ...'()[]{},:;=.+-*/\'"#\\\n\t _x0123456789e',
      '0',
      '_',
      'None',
      'lambda',
      'if ',
      '\u00b2',
      '\u00a0',
    ];
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      cut: fc.nat(6),
      text: fc.array(fc.constantFrom(...alphabet), { maxLength: 3 }).map((a) => a.join('')),
    });
    const samples = fc.sample(fc.tuple(fc.nat(seeds.length - 1), fc.array(edit, { minLength: 1, maxLength: 4 })), {
      numRuns: 1500,
      seed: 20261129,
    });
    const texts = samples
      .map(([k, edits]) =>
        edits.reduce((t, e) => {
          const i = Math.floor(e.at * t.length);
          return t.slice(0, i) + e.text + t.slice(i + e.cut);
        }, seeds[k]),
      )
      // LayerCanvas reads code pasted with every line indented alike; CPython doesn't. That leniency is meant.
      .filter((t) => !/^[ \t]/.test(t.replace(/^(\s*\n)+/, '')));
    const verdicts = cpython(texts);
    const lenient = texts.filter((t, i) => verdicts[i] !== null && importKerasPython(t).ok);
    expect(lenient.slice(0, 3)).toEqual([]);
  });
});
