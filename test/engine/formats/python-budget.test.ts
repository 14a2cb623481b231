// The Python interpreter's limits are cumulative over the program: values that share their items still count
// every item, and all work together has one budget (engine/formats/python/budget.ts).
import { describe, expect, it } from 'vitest';
import { extentOf, MAX_WORK } from '../../../engine/formats/python/budget';
import { importKerasPython } from '../../../engine/formats/keras-python';

const HEAD = 'import keras\nfrom keras import layers\n';
const MODEL = 'model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])\n';

function errorsOf(code: string) {
  const started = performance.now();
  const r = importKerasPython(code);
  return {
    r,
    ms: performance.now() - started,
    errors: r.ok ? [] : r.errors.map((e) => `${e.location?.line}:${e.location?.column}: ${e.message}`),
  };
}

describe('Python interpreter budgets (issue 11, item 2)', () => {
  it('counts shared items: [a] * 100000 of a 100,000-item list is 10^10 items', () => {
    const a = Array(100_000).fill(0);
    expect(extentOf(a).items).toBe(100_000);
    expect(extentOf(Array(3).fill(a)).items).toBeGreaterThan(100_000);
    expect(extentOf([[[[1]]]]).depth).toBe(4);
  });

  it('the five-line hang is refused where the first oversize value is made, and nothing after it runs', () => {
    const { r, errors } = errorsOf('a=[0]*100000\nb=[a]*100000\nc=[b]*100000\nd = c == c\n');
    expect(r.ok).toBe(false);
    expect(errors).toEqual(['2:3: this value would hold more than 100,000 items']);
  });

  it('many small comparisons share one budget: the program stops once, at the line that passes it', () => {
    const lines = ['a = [0] * 100000', ...Array.from({ length: 40 }, (_, i) => `d${i} = a == a`)];
    const { r, errors } = errorsOf(`${HEAD}${lines.join('\n')}\n${MODEL}`);
    expect(r.ok).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^\\d+:\\d+: the code builds or compares more than ${MAX_WORK.toLocaleString('en-US')} list items in all$`,
      ),
    );
  });

  it('lists nested past 100 levels by repeated wrapping are refused', () => {
    const lines = ['a = [0]', ...Array.from({ length: 120 }, () => 'a = [a]')];
    const { errors } = errorsOf(`${lines.join('\n')}\n`);
    expect(errors).toEqual(['101:5: this value nests lists more than 100 levels deep']);
  });

  it('ordinary model code stays well inside the budget', () => {
    const { r } = errorsOf(`${HEAD}sizes = [32, 64] * 2\nshape = (28, 28) + (1,)\n${MODEL}`);
    expect(r.ok).toBe(true);
  });
});
