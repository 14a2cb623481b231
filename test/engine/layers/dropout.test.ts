// Dropout's noise_shape as Keras 3.15 defines it (keras/src/layers/regularization/dropout.py, backend dropout): the
// mask has noise_shape, None taking the input's size, and is broadcast over the axes where it is 1.
import { describe, expect, it } from 'vitest';
import { completeConfig } from '../../../engine/layers/config';
import { getLayer } from '../../../engine/layers/registry';
import { referenceBackend } from '../../../engine/kernels/reference';
import { isIssue, type RunContext } from '../../../engine/layers/types';

const dropout = getLayer('Dropout')!;
const config = (c: Record<string, unknown>) => completeConfig(dropout, c as never).config;
const ctx = (training: boolean): RunContext => {
  let seed = 7;
  return { backend: referenceBackend, training, nextSeed: () => seed++ };
};

const [n, h, w, c] = [6, 3, 4, 5];
const x = { shape: [n, h, w, c], data: Float32Array.from({ length: n * h * w * c }, (_, i) => 1 + (i % 7)) };

describe('Dropout noise_shape', () => {
  it('(None, 1, 1, C) keeps or drops each channel of a sample as a whole, scaled by 1/(1 − rate)', () => {
    const cfg = config({ rate: 0.5, noise_shape: [null, 1, 1, null] });
    const { output, saved } = dropout.forward!(ctx(true), cfg, [x], {});
    const scale = saved as Float32Array;
    let dropped = 0;
    for (let s = 0; s < n; s++)
      for (let ch = 0; ch < c; ch++) {
        const values = new Set<number>();
        for (let p = 0; p < h * w; p++) values.add(scale[s * h * w * c + p * c + ch]);
        expect([...values].length).toBe(1);
        const [v] = values;
        expect([0, 2]).toContain(v);
        if (v === 0) dropped++;
      }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(n * c);
    output.data.forEach((v, i) => expect(v).toBe(x.data[i] * scale[i]));
    const dy = { shape: x.shape, data: new Float32Array(x.data.length).fill(1) };
    expect(
      Array.from(dropout.backward!(ctx(true), cfg, dy, { inputs: [x], weights: {}, output, saved }).inputs[0].data),
    ).toEqual(Array.from(scale));
  });

  it('(None, 1, 1, 1) as EfficientNet writes it drops whole samples', () => {
    const { saved } = dropout.forward!(ctx(true), config({ rate: 0.5, noise_shape: [null, 1, 1, 1] }), [x], {});
    const scale = saved as Float32Array;
    for (let s = 0; s < n; s++) expect(new Set(scale.subarray(s * h * w * c, (s + 1) * h * w * c)).size).toBe(1);
  });

  it('does nothing at inference', () => {
    const { output } = dropout.forward!(ctx(false), config({ rate: 0.5, noise_shape: [null, 1, 1, 1] }), [x], {});
    expect(output).toBe(x);
  });

  it('must have one size per input axis, each None, 1 or the input size', () => {
    const shape = [null, 3, 4, 5];
    expect(dropout.outputShape(config({ noise_shape: [null, 1, 1, 5] }), [shape])).toEqual(shape);
    for (const bad of [
      [null, 1, 1],
      [null, 2, 1, 1],
    ]) {
      const r = dropout.outputShape(config({ noise_shape: bad }), [shape]);
      expect(isIssue(r) && r.message).toBe(
        `noise_shape (${bad.map((d) => d ?? 'None').join(', ')}) does not broadcast to the input (None, 3, 4, 5)`,
      );
    }
  });
});
