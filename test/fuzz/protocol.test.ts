// Fuzz: malformed engine protocol messages (any envelope, any payload, and near-valid ones with wrong lengths,
// labels, shapes and documents) through the engine service the engine processes run. Each request gets exactly
// one answer: a result, or an error that is not "internal" (an internal error is a bug) and reads as one line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../engine/graph/build';
import { TEMPLATES } from '../../engine/graph/templates';
import { createEngineService } from '../../engine/host/engine-service';
import { type EngineMessage, REQUEST_TYPES } from '../../engine/api/protocol';
import { expectOneLine, measure, params, recordTo } from './support';

recordTo('protocol');

const small = chainDocument([
  { className: 'InputLayer', config: { shape: [2] } },
  { className: 'Dense', config: { units: 3, activation: 'relu' } },
  { className: 'Dense', config: { units: 2, activation: 'softmax' } },
]);
const DOCS = [small, ...TEMPLATES.map((t) => t.build())];

/** Sends one message and waits for the answer to it (or, for an envelope without a usable id, the id-less one). */
function ask(message: unknown): Promise<EngineMessage & { ok: boolean }> {
  return new Promise((resolve) => {
    const id = (message as { id?: unknown } | null)?.id;
    const service = createEngineService((m) => {
      if ('ok' in m && (m.id === id || m.id === null)) resolve(m as EngineMessage & { ok: boolean });
    });
    service.handle(message);
  });
}

const float32 = (values: number[]) => Float32Array.from(values);
const numberArb = fc.oneof(
  fc.double({ min: -3, max: 3 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, 1, 7, 0.5, 2 ** 31),
);

/** Near-valid payloads: the right keys with the wrong lengths, labels, shapes and values. */
const trainArb = fc.record({
  document: fc.constantFrom(...DOCS),
  dataset: fc.record({
    inline: fc.record({
      x: fc.array(numberArb, { maxLength: 24 }).map(float32),
      y: fc.array(numberArb, { maxLength: 8 }).map(float32),
      sampleShape: fc.array(fc.integer({ min: -1, max: 4 }), { minLength: 0, maxLength: 3 }),
      numClasses: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      targetSize: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    }),
  }),
  settings: fc.record({
    loss: fc.constantFrom(
      'sparse_categorical_crossentropy',
      'categorical_crossentropy',
      'binary_crossentropy',
      'mean_squared_error',
      'hinge',
    ),
    optimizer: fc.record({
      name: fc.constantFrom('adam', 'sgd', 'rmsprop', 'lbfgs'),
      learning_rate: fc.option(numberArb, { nil: undefined }),
    }),
    epochs: fc.integer({ min: 0, max: 2 }),
    batchSize: fc.integer({ min: 0, max: 4 }),
    seed: fc.integer({ min: -1, max: 3 }),
    validationSplit: fc.option(fc.constantFrom(0, 0.5, 0.99, 1, -1), { nil: undefined }),
  }),
});

const documentArb = fc.oneof(
  fc.constantFrom(...DOCS),
  fc.record({
    name: fc.string(),
    nodes: fc.array(
      fc.record({
        id: fc.string(),
        className: fc.constantFrom('Dense', 'Conv2D', 'InputLayer', 'Nope', ''),
        config: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
      }),
      { maxLength: 5 },
    ),
    edges: fc.array(fc.record({ id: fc.string(), source: fc.string(), target: fc.string() }), { maxLength: 5 }),
  }),
  fc.constantFrom(...DOCS).map((d) => ({
    ...d,
    weights: { [d.nodes[1]?.id ?? 'x']: [{ name: 'kernel', tensor: { shape: [2, 3], data: new Float32Array(5) } }] },
  })),
);

const predictArb = fc.record({
  // Hostile documents too: predict is the request that reads a document without training it.
  document: documentArb,
  input: fc.record({
    shape: fc.array(fc.integer({ min: -1, max: 30 }), { maxLength: 5 }),
    data: fc.array(numberArb, { maxLength: 64 }).map(float32),
  }),
  training: fc.boolean(),
  capture: fc.option(fc.array(fc.constantFrom('n1', 'n2', 'nope', ''), { maxLength: 3 }), { nil: undefined }),
});

const payloadFor = (type: string): fc.Arbitrary<unknown> => {
  switch (type) {
    case 'train':
      return trainArb;
    case 'predict':
      return predictArb;
    case 'import':
      return fc.record({
        name: fc.constantFrom('m.json', 'm.py', ''),
        data: fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 100 })),
      });
    case 'dataset-import':
      return fc.record({
        name: fc.constantFrom('d.csv', 'x.npy', 'd.csv.gz', ''),
        data: fc.uint8Array({ maxLength: 200 }),
        label: fc.option(fc.oneof(fc.integer(), fc.string()), { nil: undefined }),
      });
    case 'dataset-import-folder':
      return fc.record({
        name: fc.string(),
        files: fc.array(
          fc.record({
            path: fc.constantFrom('a/1.png', 'b/2.png', '', '../x.png'),
            data: fc.uint8Array({ maxLength: 64 }),
          }),
          { maxLength: 3 },
        ),
        size: fc.option(fc.tuple(fc.integer({ min: -1, max: 5000 }), fc.integer({ min: -1, max: 5000 })), {
          nil: undefined,
        }),
      });
    case 'samples':
      return fc.record({
        dataset: fc.constantFrom('xor', 'circles', 'spirals', 'imagenet'),
        offset: fc.integer({ min: -1, max: 2000 }),
        count: fc.integer({ min: -1, max: 100 }),
      });
    default:
      return fc.anything();
  }
};

// Requests that stop others: sent here they name no running request, and must say so rather than fail.
const TYPES = REQUEST_TYPES.filter((t) => t !== 'kernels');

describe('fuzz: malformed protocol messages', () => {
  it('any envelope and any payload', async () => {
    const envelope = fc.oneof(
      fc.anything(),
      fc.record({
        id: fc.oneof(
          fc.string({ minLength: 1, maxLength: 10 }),
          fc.integer(),
          fc.constant(''),
          fc.string({ minLength: 201, maxLength: 300 }),
        ),
        type: fc.oneof(fc.constantFrom(...TYPES), fc.string()),
        payload: fc.anything(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(envelope, async (message) => {
        const answer = await measure(
          'protocol-any',
          () => String(JSON.stringify(message)),
          () => ask(message),
        );
        expect(answer).toHaveProperty('ok');
        if (!answer.ok) {
          expect((answer as { error: { code?: string } }).error.code).not.toBe('internal');
          expectOneLine((answer as { error: { message: string } }).error.message);
        }
      }),
      params(250),
    );
  });

  it('near-valid payloads for every request type: wrong lengths, labels, shapes, documents', async () => {
    const requestArb = fc
      .constantFrom(...TYPES)
      .chain((type) => payloadFor(type).map((payload) => ({ type, payload })));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ type, payload }) => {
        const id = `f${++n}`;
        const answer = await measure(
          `protocol-${type}`,
          () =>
            `${type} ${String(JSON.stringify(payload, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)))}`,
          () => ask({ id, type, payload }),
        );
        expect(answer.id).toBe(id);
        if (!answer.ok) {
          expect((answer as { error: { code?: string } }).error.code).not.toBe('internal');
          expectOneLine((answer as { error: { message: string } }).error.message);
        } else if (type === 'train') {
          // A completed or failed run: never "completed" on data the schema should have refused.
          for (const run of (answer as { result: { runs: { status: string; error?: { message: string } }[] } }).result
            .runs) {
            if (run.error) expectOneLine(run.error.message);
          }
        }
      }),
      params(350),
    );
  });
});
