// Payloads are checked against their own shapes (issue 11, item 9): a wrong length or a label outside the classes
// is a clear bad-request answer, never "completed" and never an internal error.
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { inProcessEngine } from '../../support/engine';

const mlp = chainDocument([
  { className: 'InputLayer', config: { shape: [2] } },
  { className: 'Dense', config: { units: 2, activation: 'softmax' } },
]);
const settings = {
  loss: 'sparse_categorical_crossentropy',
  optimizer: { name: 'adam' },
  epochs: 1,
  batchSize: 2,
  seed: 0,
};
const x4 = Float32Array.of(0, 1, 1, 0, 0, 0, 1, 1);

async function trainOn(inline: Record<string, unknown>) {
  const request = inProcessEngine();
  return request('train', {
    document: mlp,
    dataset: { inline: { sampleShape: [2], numClasses: 2, x: x4, ...inline } },
    settings,
  });
}

describe('exact protocol payloads', () => {
  it.each([
    [7, 'payload.dataset.inline.y[2]: label 7 of sample 2 is not a class of 2 (0 to 1)'],
    [-1, 'payload.dataset.inline.y[2]: label -1 of sample 2 is not a class of 2 (0 to 1)'],
    [Number.NaN, 'payload.dataset.inline.y[2]: label NaN of sample 2 is not a class of 2 (0 to 1)'],
    [0.5, 'payload.dataset.inline.y[2]: label 0.5 of sample 2 is not a class of 2 (0 to 1)'],
  ])('refuses the label %s with 2 classes, naming the sample', async (label, message) => {
    const answer = await trainOn({ y: Float32Array.of(0, 1, label, 1) });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: `Bad 'train' request: ${message}.` },
    });
  });

  it('refuses x whose length is not the samples times the sample shape', async () => {
    const answer = await trainOn({ y: Float32Array.of(0, 1, 1) });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: "Bad 'train' request: payload.dataset.inline.x: 8 values, but 3 samples of shape [2] need 6.",
      },
    });
  });

  it('refuses non-finite features and targets that are not whole samples', async () => {
    const nan = await trainOn({
      x: Float32Array.of(0, 1, 1, Number.POSITIVE_INFINITY, 0, 0, 1, 1),
      y: Float32Array.of(0, 1, 1, 0),
    });
    expect(nan).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('x[3]: sample 1 holds Infinity; features must be finite numbers') },
    });
    const targets = await trainOn({ numClasses: undefined, targetSize: 3, y: Float32Array.of(0, 1, 1, 0) });
    expect(targets).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('4 targets is not a whole number of samples of 3 targets') },
    });
  });

  it('trains on exact data', async () => {
    const answer = await trainOn({ y: Float32Array.of(0, 1, 1, 0) });
    expect(answer).toMatchObject({ ok: true });
  });

  it("refuses a predict input whose data doesn't fill its shape", async () => {
    const request = inProcessEngine();
    const answer = await request('predict', { document: mlp, input: { shape: [3, 2], data: new Float32Array(5) } });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: "Bad 'predict' request: payload.input.data: 5 values, but shape [3, 2] needs 6.",
      },
    });
    const huge = await request('predict', {
      document: mlp,
      input: { shape: [65536, 65536], data: new Float32Array(1) },
    });
    expect(huge).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('holds 4294967296 values, more than a tensor can') },
    });
  });

  it('refuses document weights whose data does not match their shape', async () => {
    const request = inProcessEngine();
    const doc = {
      ...mlp,
      weights: { [mlp.nodes[1].id]: [{ name: 'kernel', tensor: { shape: [2, 2], data: new Float32Array(3) } }] },
    };
    const answer = await request('predict', { document: doc, input: { shape: [1, 2], data: new Float32Array(2) } });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'bad-request',
        message: expect.stringContaining('tensor.data: 3 values, but shape [2, 2] needs 4'),
      },
    });
  });
});

describe('the engine checks the resource estimate before it allocates (issue 11, item 1)', () => {
  const big = chainDocument([
    { className: 'InputLayer', config: { shape: [20000] } },
    ...Array.from({ length: 32 }, () => ({ className: 'Dense', config: { units: 20000 } })),
  ]);
  const REFUSAL = /^needs about 47\.7 GB for weights alone \(32 × Dense\(20000\)\); /;

  it('predict answers with the refusal', async () => {
    const request = inProcessEngine();
    const answer = await request('predict', {
      document: big,
      input: { shape: [1, 20000], data: new Float32Array(20000) },
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'invalid-model', message: expect.stringMatching(REFUSAL) },
    });
  });

  it('train fails the run with the refusal and no weights', async () => {
    const request = inProcessEngine();
    const answer = (await request('train', {
      document: big,
      dataset: { id: 'xor' },
      settings: { ...settings, loss: 'binary_crossentropy' },
    })) as {
      ok: true;
      result: { runs: { status: string; error?: { message: string }; weights?: unknown }[] };
    };
    expect(answer.ok).toBe(true);
    expect(answer.result.runs[0]).toMatchObject({
      status: 'failed',
      error: { message: expect.stringMatching(REFUSAL) },
    });
    expect(answer.result.runs[0].weights).toBeUndefined();
  });
});
