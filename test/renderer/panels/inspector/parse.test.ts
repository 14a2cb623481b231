import { describe, expect, it } from 'vitest';
import { checkValue } from '../../../../engine/layers/config';
import { getLayer } from '../../../../engine/layers/registry';
import { defaultText, parseFieldText, valueText } from '../../../../renderer/panels/inspector/parse';

const field = (cls: string, key: string) => getLayer(cls)!.fields[key];

describe('inspector text fields', () => {
  it('reads a shape as Python writes it, with None and without parentheses', () => {
    const shape = field('InputLayer', 'shape');
    expect(parseFieldText('shape', shape, '(28, 28, 1)')).toEqual({ ok: true, value: [28, 28, 1] });
    expect(parseFieldText('shape', shape, '28 28 1')).toEqual({ ok: true, value: [28, 28, 1] });
    expect(parseFieldText('shape', shape, '(None, 5)')).toEqual({ ok: true, value: [null, 5] });
    expect(parseFieldText('shape', shape, '(28, x)').ok).toBe(false);
  });

  it("reads Normalization's mean as one number or a list of numbers, None clearing it", () => {
    const mean = field('Normalization', 'mean');
    expect(parseFieldText('mean', mean, '(123.675, 116.28, 103.53)')).toEqual({
      ok: true,
      value: [123.675, 116.28, 103.53],
    });
    expect(parseFieldText('mean', mean, '0.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseFieldText('mean', mean, 'None')).toEqual({ ok: true, value: null });
    expect(parseFieldText('mean', mean, '(1, x)').ok).toBe(false);
    expect(checkValue('mean', mean, [1, 2])).toBeNull();
    expect(checkValue('mean', mean, [])).toBe('mean must be a number or a list of numbers, got ()');
  });

  it('reads ZeroPadding2D amounts in all three Keras forms, stored as ((top, bottom), (left, right))', () => {
    const padding = field('ZeroPadding2D', 'padding');
    expect(parseFieldText('padding', padding, '1')).toEqual({
      ok: true,
      value: [
        [1, 1],
        [1, 1],
      ],
    });
    expect(parseFieldText('padding', padding, '(1, 2)')).toEqual({
      ok: true,
      value: [
        [1, 1],
        [2, 2],
      ],
    });
    expect(parseFieldText('padding', padding, '((1, 2), (3, 4))')).toEqual({
      ok: true,
      value: [
        [1, 2],
        [3, 4],
      ],
    });
    const three = parseFieldText('padding', padding, '1, 2, 3');
    expect(three.ok).toBe(false);
  });

  it("leaves range checks to Keras's rules: the same reason the engine gives", () => {
    const filters = field('Conv2D', 'filters');
    const parsed = parseFieldText('filters', filters, '0');
    expect(parsed).toEqual({ ok: true, value: 0 });
    expect(checkValue('filters', filters, 0)).toBe('filters must be at least 1, got 0');
    expect(checkValue('filters', filters, 2.5)).toBe('filters must be an integer, got 2.5');
    const rate = field('Dropout', 'rate');
    expect(checkValue('rate', rate, 1)).toMatch(/less than 1/);
    expect(parseFieldText('rate', rate, 'half')).toEqual({ ok: false, reason: "rate must be a number, got 'half'" });
  });

  it('reads an empty or None nullable field as None', () => {
    const batch = getLayer('InputLayer')!.fields.batch_size;
    expect(parseFieldText('batch_size', batch, '')).toEqual({ ok: true, value: null });
    expect(parseFieldText('batch_size', batch, 'None')).toEqual({ ok: true, value: null });
  });

  it('writes values and Keras defaults as Python does', () => {
    expect(valueText([3, 3])).toBe('(3, 3)');
    expect(valueText(null)).toBe('');
    expect(defaultText(field('Conv2D', 'kernel_size'))).toBe('(3, 3)');
    expect(defaultText(field('Conv2D', 'padding'))).toBe("'valid'");
    expect(defaultText(field('Conv2D', 'use_bias'))).toBe('True');
  });
});
