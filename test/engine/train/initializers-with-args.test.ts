// Keras's initializers with number arguments other than the defaults: RandomNormal(mean, stddev),
// TruncatedNormal(mean, stddev), RandomUniform(minval, maxval), Constant(value)
// (test/fixtures/keras-values/make_variance_scaling.py ran real Keras). Read from Keras 3 JSON, written back as Keras
// wrote them, carried through Python, and drawn from Keras's distribution (TF's numbers differ; spread and bounds not).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../engine/core/random';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { initialize } from '../../../engine/train/initializers';
import { sampleStats } from './sample-stats';

interface Sample {
  class_name: string;
  args: Record<string, number>;
  mean: number;
  std: number;
  min: number;
  max: number;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/keras-values/initializers-with-args.json'), 'utf8'),
) as { model: { config: { layers: { config: Record<string, unknown> }[] } }; shape: number[]; samples: Sample[] };

const text = (s: Sample) =>
  `${s.class_name}(${Object.entries(s.args)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')})`;

function read() {
  const r = readKerasJson(JSON.stringify(fixture.model));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.document;
}
const initializers = (doc: ReturnType<typeof read>) =>
  doc.nodes
    .filter((n) => n.className === 'Conv2D')
    .map((n) => [n.config.kernel_initializer, n.config.bias_initializer]);

describe('Keras initializers with number arguments', () => {
  it('read from Keras 3 JSON and write back what Keras wrote', () => {
    const doc = read();
    expect(initializers(doc)).toEqual(fixture.samples.map((s) => [text(s), text(s)]));
    const written = JSON.parse(writeKerasJson(doc, 'keras3')) as typeof fixture.model;
    for (const key of ['kernel_initializer', 'bias_initializer'])
      expect(written.config.layers.slice(1).map((l) => l.config[key])).toEqual(
        fixture.model.config.layers.slice(1).map((l) => l.config[key]),
      );
  });

  it('survive Keras Python as keras.initializers calls', () => {
    const python = exportKerasPython(read());
    expect(python).toContain('kernel_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=0.02)');
    expect(python).toContain('bias_initializer=keras.initializers.Constant(value=0.25)');
    const back = importKerasPython(python);
    if (!back.ok) throw new Error(back.errors.map((e) => e.message).join('\n'));
    expect(initializers(back.document)).toEqual(initializers(read()));
  });

  it('with the default arguments are the plain names', () => {
    const back = importKerasPython(
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(2, kernel_initializer=keras.initializers.RandomNormal(stddev=0.05), bias_initializer=keras.initializers.Constant(1.0))])\n',
    );
    if (!back.ok) throw new Error(back.errors.map((e) => e.message).join('\n'));
    const dense = back.document.nodes.find((n) => n.className === 'Dense')!;
    expect([dense.config.kernel_initializer, dense.config.bias_initializer]).toEqual(['random_normal', 'ones']);
  });

  it.each(fixture.samples.map((s) => [text(s), s] as const))(
    '%s draws with the mean, spread and bounds Keras draws with',
    (_, s) => {
      const data = initialize(text(s), fixture.shape, new Random(1)).data;
      const { mean, std, min, max } = sampleStats(data);
      const spread = Math.max(s.std, 1e-6);
      expect(Math.abs(mean - s.mean)).toBeLessThan(0.02 * spread + 1e-6);
      expect(Math.abs(std - s.std)).toBeLessThan(0.02 * spread + 1e-6);
      if (s.class_name === 'RandomNormal') {
        expect(Math.min(mean - min, max - mean)).toBeGreaterThan(3.5 * s.std);
        expect(Math.min(s.mean - s.min, s.max - s.mean)).toBeGreaterThan(3.5 * s.std);
      } else {
        // Uniform's [minval, maxval] and the truncated normal's mean ± 2 stddev: both samples reach within 1% of them.
        const width = s.max - s.min || 1;
        expect(min).toBeGreaterThanOrEqual(s.min - 0.01 * width);
        expect(max).toBeLessThanOrEqual(s.max + 0.01 * width);
        expect(min).toBeLessThan(s.min + 0.01 * width);
        expect(max).toBeGreaterThan(s.max - 0.01 * width);
      }
    },
  );
});
