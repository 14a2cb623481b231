import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { applyEdits, editArb as editArbOf } from '../../support/edits';
import { describe, expect, it } from 'vitest';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { infer } from '../../../engine/graph/inference';
import { TEMPLATES } from '../../../engine/graph/templates';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/python/${name}`, import.meta.url), 'utf8');

const SEEDS = [
  fixture('article-mlp.py'),
  fixture('article-cnn.py'),
  fixture('residual-functional.py'),
  fixture('tf-keras2-mnist.py'),
  ...TEMPLATES.map((t) => exportKerasPython(t.build())),
];

/** Characters that matter to Python's grammar, plus some that don't belong in it at all. */
const ALPHABET = [
  ...'()[]{},:=.+-*/\'"#\\\n\t _xyzL0123456789e',
  'Dense',
  'layers.',
  'keras',
  'import ',
  'for ',
  'lambda',
  'None',
  '\u2019',
  '\r',
  '\u00e9',
  '$',
];

const editArb = editArbOf(ALPHABET);

/** Whatever the text, the reader answers with data: ok and a document infer() can take, or errors located inside the text. */
function checkAnswer(text: string): number {
  const started = performance.now();
  const r = importKerasPython(text);
  const elapsed = performance.now() - started;
  const lines = text.split(/\r\n|\r|\n/);
  if (r.ok) {
    const inf = infer(r.document);
    const ids = new Set(r.document.nodes.map((n) => n.id));
    expect(ids.size).toBe(r.document.nodes.length);
    for (const e of r.document.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    expect(inf.nodes.size).toBe(r.document.nodes.length);
  } else {
    expect(r.errors.length).toBeGreaterThan(0);
  }
  for (const e of r.ok ? r.warnings : r.errors) {
    expect(e.message).not.toMatch(/internal error/);
    const loc = e.location!;
    expect(loc.line).toBeGreaterThanOrEqual(1);
    expect(loc.line).toBeLessThanOrEqual(lines.length);
    expect(loc.column).toBeGreaterThanOrEqual(1);
    expect(loc.column).toBeLessThanOrEqual(lines[loc.line - 1].length + 1);
  }
  return elapsed;
}

describe('property: any text gives ok or located errors, never a throw, quickly', () => {
  it('stops at 100 errors: a file of stray characters or broken lines is not reported character by character', () => {
    for (const text of ['$'.repeat(10_000), 'x = (\n'.repeat(5_000), 'y = nope\n'.repeat(5_000)]) {
      const r = importKerasPython(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.length).toBeLessThanOrEqual(100);
    }
  });

  it('valid programs with random insertions, deletions and replacements', () => {
    let slowest = 0;
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.array(editArb, { minLength: 1, maxLength: 6 }), (seed, edits) => {
        slowest = Math.max(slowest, checkAnswer(applyEdits(SEEDS[seed], edits)));
      }),
      { numRuns: 600 },
    );
    // The programs are under 2,000 characters: even on a loaded machine a reading takes milliseconds, so a
    // second means something went quadratic or worse.
    expect(slowest).toBeLessThan(1_000);
  });

  it('random text from the characters of Python', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 200 }), (parts) => {
        checkAnswer(parts.join(''));
      }),
      { numRuns: 400 },
    );
  });

  it('pathological inputs take about as long as ordinary code of the same length', () => {
    const n = 20_000;
    const huge = [
      '('.repeat(2 * n),
      '['.repeat(n) + ']'.repeat(n),
      `x = ${'1+'.repeat(n)}1`,
      `x = ${'-'.repeat(2 * n)}1`,
      `x = ${'not '.repeat(n / 2)}1`,
      `x = ${'a.'.repeat(n)}b`,
      `x = f${'()'.repeat(n)}`,
      `x = "${'a'.repeat(2 * n)}`,
      `import keras\nm = keras.Sequential([${'keras.layers.Dense(1), '.repeat(n / 20)}keras.Input((2,))])`,
      '$'.repeat(2 * n),
      `${'v = 1\n'.repeat(n / 10)}${'w = missing_name\n'.repeat(n / 10)}`,
      // A long name defined, and a near-miss of it used: suggestions must not cost length².
      `${'a'.repeat(n)} = 1\nx = ${'a'.repeat(n - 1)}b`,
      // Doubling a value each line: 60 lines would make 2^60 items without a cap.
      `t = (1,)\ns = "ab"\n${'t = t + t\ns = s + s\n'.repeat(60)}`,
    ];
    // The machine is shared, so time is compared with ordinary statements of the same length read just before.
    for (const text of huge) {
      const ordinary = 'x = 1\n'.repeat(Math.ceil(text.length / 6));
      const reference = checkAnswer(ordinary);
      const elapsed = checkAnswer(text);
      expect(elapsed).toBeLessThan(10 * reference + 500);
    }
  });
});
