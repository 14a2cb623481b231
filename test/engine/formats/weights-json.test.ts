import { describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { readWeightsJson, weightsJson, writeWeightsJson } from '../../../engine/formats/weights-json';
import { getTemplate } from '../../../engine/graph/templates';

const cnn = () => getTemplate('article-cnn')!.build();

describe('weights JSON', () => {
  it("writes each layer's weights by Keras name in Keras's order (BN: gamma, beta, moving_mean, moving_variance)", () => {
    const doc = cnn();
    doc.weights = initializeWeights(doc, 3);
    const out = JSON.parse(writeWeightsJson(doc));
    expect(Object.keys(out)).toEqual(['conv2d', 'batch_normalization', 'conv2d_1', 'batch_normalization_1', 'dense']);
    expect(Object.keys(out.batch_normalization)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(out.conv2d.kernel).toMatchObject({ shape: [3, 3, 3, 32], dtype: 'float32' });
    expect(out.conv2d.kernel.data).toHaveLength(864);
    expect(weightsJson.match(writeWeightsJson(doc))).toBe(true);
  });

  it('round trip: write then read onto the same model gives the same float32 values exactly', () => {
    const doc = cnn();
    doc.weights = initializeWeights(doc, 3);
    const back = readWeightsJson(writeWeightsJson(doc), cnn());
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    for (const [id, ws] of Object.entries(doc.weights))
      ws.forEach((w, k) =>
        expect(Array.from(back.document.weights![id][k].tensor.data)).toEqual(Array.from(w.tensor.data)),
      );
  });

  it('errors name the layer, the weight and the shapes', () => {
    const doc = cnn();
    doc.weights = initializeWeights(doc, 3);
    const out = JSON.parse(writeWeightsJson(doc));
    out.dense.kernel.shape = [16, 8];
    out.dense.kernel.data = out.dense.kernel.data.concat(out.dense.kernel.data);
    delete out.batch_normalization.beta;
    out.conv2d.bias.data.pop();
    const r = readWeightsJson(JSON.stringify(out), cnn());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.objectContaining({
        path: 'conv2d.bias.data',
        message: "weight 'conv2d/bias' has 31 values but its shape (32,) needs 32",
      }),
    ]);
    out.conv2d.bias.data.push(0);
    const r2 = readWeightsJson(JSON.stringify(out), cnn());
    expect(!r2.ok && r2.errors.map((e) => e.message)).toEqual([
      "layer 'batch_normalization' (BatchNormalization) has no saved weight 'beta' of shape (32,)",
      "layer 'dense' weight 'kernel' has shape (16, 8) in the file, but the model needs (32, 2)",
    ]);
  });

  it('alone, without a model, the format refuses with a hint', () => {
    const r = weightsJson.read('{}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].hint).toMatch(/model first/);
  });
});
