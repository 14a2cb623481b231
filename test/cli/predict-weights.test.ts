/**
 * `layercanvas predict --weights`: the weights file's format is told by its content (detect.ts readWeightsFile),
 * Keras HDF5 or weights JSON, and either way the model predicts what Keras predicted with those weights.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { readModelFile } from '../../engine/formats/detect';
import { writeProject } from '../../engine/formats/project';
import { writeWeightsJson } from '../../engine/formats/weights-json';

const BINARY = new URL('../fixtures/binary/', import.meta.url).pathname;
const KERAS = JSON.parse(readFileSync(join(BINARY, 'keras-predictions.json'), 'utf8'))['cnn-bn'] as {
  input: { shape: number[]; data: number[] };
  output: { shape: number[]; data: number[] };
};

async function predict(...argv: string[]): Promise<number[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['predict', ...argv], { out: (t) => out.push(t), err: (t) => err.push(t) });
  expect(err.join('\n')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join('\n')).data;
}

const close = (got: number[], want: number[]) => {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
};

describe('predict --weights reads Keras HDF5 or weights JSON, whichever the file is', () => {
  it("the model's .weights.h5 and the same weights as JSON both give Keras's predictions", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layercanvas-weights-'));
    const input = join(dir, 'in.json');
    writeFileSync(input, JSON.stringify(KERAS.input));
    const read = await readModelFile(new Uint8Array(readFileSync(join(BINARY, 'cnn-bn.keras'))), 'cnn-bn.keras');
    if (!read.ok) throw new Error(read.errors[0].message);
    // The model without its weights: only --weights brings them.
    const { weights: _weights, ...bare } = read.document;
    const model = join(dir, 'cnn-bn.layercanvas.json');
    writeFileSync(model, writeProject(bare));
    close(await predict(model, '--input', input, '--weights', join(BINARY, 'cnn-bn.weights.h5')), KERAS.output.data);

    const json = join(dir, 'cnn-bn.weights.json');
    writeFileSync(json, writeWeightsJson(read.document));
    close(await predict(model, '--input', input, '--weights', json), KERAS.output.data);
  });
});
