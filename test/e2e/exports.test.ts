/**
 * The app's Export menu offers what `layercanvas export` writes: ONNX and the TensorFlow training script (with its
 * tf.distribute strategy) among the others. In the browser host: open a .keras file Keras 3.15 wrote, export it as
 * ONNX and check that onnxruntime-node predicts with the downloaded bytes what LayerCanvas predicts from the file;
 * export the training script for MirroredStrategy and check the script builds this model with the Train tab's
 * settings; a generated dataset's samples are downloaded beside the script as the .npz it reads. The legacy .h5
 * export reads back with the file's weights (test/interop loads such files in Keras itself).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { unzipSync } from 'fflate';
import type { Download, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { predict } from '../../cli/predict';
import { Random } from '../../engine/core/random';
import { sizeOf } from '../../engine/core/tensor';
import type { ModelDocument } from '../../engine/graph/document';
import { readKerasFile } from '../../engine/formats/keras-file';
import { readKerasH5 } from '../../engine/formats/keras-h5';
import { referenceBackend } from '../../engine/kernels/reference';
import { type Harness, useEditor } from './harness';

let h: Harness;
let page: Page;
useEditor((harness) => {
  h = harness;
  page = harness.page;
});

const FIXTURE = join(__dirname, '../fixtures/binary/mnist-cnn.keras');
const out = mkdtempSync(join(tmpdir(), 'layercanvas-exports-e2e-'));
const notice = () => page.locator('[data-testid=status-notice]').innerText();

async function saved(download: Download): Promise<string> {
  const path = join(out, download.suggestedFilename());
  await download.saveAs(path);
  return path;
}

describe('Export menu: ONNX and the training script', () => {
  it('opens a Keras file with its weights', async () => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid=open]')]);
    await chooser.setFiles(FIXTURE);
    await expect.poll(notice).toBe('Opened mnist-cnn.keras');
  });

  it('exports ONNX that onnxruntime-node runs to the predictions LayerCanvas makes from the file', async () => {
    await page.click('[data-testid=menu-export]');
    await h.screenshot('export-menu');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-onnx]')]);
    expect(download.suggestedFilename()).toBe('mnist-cnn.onnx');
    const path = await saved(download);
    await expect.poll(notice).toBe('Exported mnist-cnn.onnx');

    const read = await readKerasFile(new Uint8Array(readFileSync(FIXTURE)));
    if (!read.ok) throw new Error(read.errors[0].message);
    const shape = [2, 28, 28, 1];
    const rng = new Random(3);
    const x = Float32Array.from({ length: sizeOf(shape) }, () => rng.uniform(0, 1));
    const expected = predict(read.document, { shape, data: x }, false, referenceBackend);
    if (!('data' in expected)) throw new Error(expected.message);
    const session = await ort.InferenceSession.create(readFileSync(path));
    const got = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
    const y = got[session.outputNames[0]];
    expect(y.dims).toEqual(expected.shape);
    const data = y.data as Float32Array;
    for (let i = 0; i < data.length; i++) expect(Math.abs(data[i] - expected.data[i])).toBeLessThan(1e-5);
  });

  it('exports a legacy .h5 that reads back as the same model with its weights', async () => {
    await page.click('[data-testid=menu-export]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-h5]')]);
    expect(download.suggestedFilename()).toBe('mnist-cnn.h5');
    const back = await readKerasH5(new Uint8Array(readFileSync(await saved(download))), 'mnist-cnn.h5');
    if (!back.ok) throw new Error(back.errors[0].message);
    const read = await readKerasFile(new Uint8Array(readFileSync(FIXTURE)));
    if (!read.ok) throw new Error(read.errors[0].message);
    const values = (d: ModelDocument) =>
      Object.values(d.weights ?? {}).flatMap((ws) => ws.flatMap((w) => [...w.tensor.data]));
    expect(values(back.document)).toEqual(values(read.document));
  });

  it('exports TF.js as model.json and the weight shard it names, side by side', async () => {
    await page.click('[data-testid=menu-export]');
    const downloads: Download[] = [];
    const listen = (d: Download) => downloads.push(d);
    page.on('download', listen);
    await page.click('[data-testid=export-tfjs]');
    await expect.poll(() => downloads.length).toBe(2);
    page.off('download', listen);
    const manifest = JSON.parse(readFileSync(await saved(downloads[0]), 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual([downloads[1].suggestedFilename()]);
    await expect
      .poll(notice)
      .toBe(`Exported ${downloads[0].suggestedFilename()} and ${downloads[1].suggestedFilename()}`);
  });

  it('exports the training script for MirroredStrategy with the Train tab settings and this model', async () => {
    await page.click('[data-testid=tab-train]');
    await page.selectOption('[data-testid=train-dataset]', 'mnist');
    await page.fill('[data-testid=train-subset]', '256');
    await page.fill('[data-testid=train-epochs]', '2');
    await page.click('[data-testid=menu-export]');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=export-keras-train-mirrored]'),
    ]);
    expect(download.suggestedFilename()).toBe('mnist-cnn.py');
    const script = readFileSync(await saved(download), 'utf8');
    await expect.poll(notice).toBe('Exported mnist-cnn.py (mirrored strategy)');
    expect(script).toContain('"data_kind": "mnist"');
    expect(script).toContain('"strategy": "mirrored"');
    expect(script).toContain('"subset": 256');
    expect(script).toContain('"epochs": 2');
    expect(script).toContain('"loss": "sparse_categorical_crossentropy"');
    // The model is the file's: its layers by their Keras names, inside build_model().
    const model = script.slice(script.indexOf('def build_model():'), script.indexOf('def make_strategy'));
    const read = await readKerasFile(new Uint8Array(readFileSync(FIXTURE)));
    if (!read.ok) throw new Error(read.errors[0].message);
    for (const node of read.document.nodes.filter((n) => n.className !== 'InputLayer'))
      expect(model).toContain(`name="${node.name}"`);
  });

  it("writes a generated dataset's samples beside the script as the .npz it reads", async () => {
    await page.selectOption('[data-testid=train-dataset]', 'spirals');
    await page.click('[data-testid=menu-export]');
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.click('[data-testid=export-keras-train-default]');
    await expect.poll(() => downloads.length).toBe(2);
    expect(downloads.map((d) => d.suggestedFilename())).toEqual(['mnist-cnn.py', 'spirals.npz']);
    const script = readFileSync(await saved(downloads[0]), 'utf8');
    expect(script).toContain('"data_kind": "npz"');
    expect(script).toContain('"data": "spirals.npz"');
    expect(script).toContain('"strategy": "default"');
    const arrays = unzipSync(new Uint8Array(readFileSync(await saved(downloads[1]))));
    expect(Object.keys(arrays).sort()).toEqual(['x.npy', 'y.npy']);
    await expect.poll(notice).toBe('Exported mnist-cnn.py (default strategy) and spirals.npz (keep them side by side)');
  });
});
