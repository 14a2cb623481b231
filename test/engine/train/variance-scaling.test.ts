// Keras's general VarianceScaling (test/fixtures/keras-values/make_variance_scaling.py ran real Keras): read from
// Keras 3's JSON, written back as Keras wrote it, carried through Python, and drawn from the distribution Keras
// draws from. Keras's samples come from TF's generator, so the test compares spread and bounds, not numbers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../engine/core/random';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { initialize } from '../../../engine/train/initializers';
import { sampleStats } from './sample-stats';

interface Sample {
  scale: number;
  mode: string;
  distribution: string;
  std: number;
  min: number;
  max: number;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/keras-values/variance-scaling.json'), 'utf8'),
) as { model: { config: { layers: { config: Record<string, unknown> }[] } }; shape: number[]; samples: Sample[] };

const text = (s: Sample) => `VarianceScaling(scale=${s.scale}, mode='${s.mode}', distribution='${s.distribution}')`;

function read() {
  const r = readKerasJson(JSON.stringify(fixture.model));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.document;
}

describe("Keras's VarianceScaling(scale, mode, distribution)", () => {
  it('reads from Keras 3 JSON and writes back the initializer Keras wrote', () => {
    const doc = read();
    const convs = doc.nodes.filter((n) => n.className === 'Conv2D');
    expect(convs.map((n) => n.config.kernel_initializer)).toEqual(fixture.samples.map(text));
    const written = JSON.parse(writeKerasJson(doc, 'keras3')) as typeof fixture.model;
    expect(written.config.layers.slice(1).map((l) => l.config.kernel_initializer)).toEqual(
      fixture.model.config.layers.slice(1).map((l) => l.config.kernel_initializer),
    );
  });

  it('survives Keras Python: written as keras.initializers.VarianceScaling(…) and read back', () => {
    const python = exportKerasPython(read());
    expect(python).toContain(
      "kernel_initializer=keras.initializers.VarianceScaling(scale=2.0, mode='fan_out', distribution='truncated_normal')",
    );
    const back = importKerasPython(python);
    if (!back.ok) throw new Error(back.errors.map((e) => e.message).join('\n'));
    expect(back.document.nodes.filter((n) => n.className === 'Conv2D').map((n) => n.config.kernel_initializer)).toEqual(
      fixture.samples.map(text),
    );
  });

  it.each(fixture.samples.map((s) => [text(s), s] as const))(
    '%s draws with the spread and bounds Keras draws with',
    (_, s) => {
      const data = initialize(text(s), fixture.shape, new Random(1)).data;
      const { std, min, max } = sampleStats(data);
      // 73,728 samples: the std is known to well within 2%.
      expect(Math.abs(std / s.std - 1)).toBeLessThan(0.02);
      if (s.distribution === 'untruncated_normal') {
        // Not cut at two standard deviations: both tails reach past 3.5σ, as Keras's do.
        expect(Math.min(-min, max)).toBeGreaterThan(3.5 * s.std);
        expect(Math.min(-s.min, s.max)).toBeGreaterThan(3.5 * s.std);
      } else {
        // Uniform: ±limit; truncated normal: ±2 stddev of the untruncated normal. Both samples come within 1% of it.
        const bound = Math.max(-s.min, s.max);
        expect(Math.max(-min, max)).toBeLessThanOrEqual(bound * 1.01);
        expect(Math.min(-min, max)).toBeGreaterThan(bound * 0.99);
      }
    },
  );
});
