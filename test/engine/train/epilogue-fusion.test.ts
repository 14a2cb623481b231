// A relu / relu6 layer after a training BatchNormalization runs as the BN's epilogue (executor.ts FuseOptions): the
// same output, loss, input gradient and weight gradients as the layers run one by one, bit for bit, on the reference
// and the fast kernels (one pass over the tensor fewer each way); and where it must not fuse, it doesn't.
import { describe, expect, it } from 'vitest';
import { chainDocument, graphDocument } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { referenceBackend } from '../../../engine/kernels/reference';
import type { Backend } from '../../../engine/kernels/types';
import { backward, compileModel, type FuseOptions, forward, makeContext } from '../../../engine/train/executor';
import { computeLoss } from '../../../engine/train/losses';
import { useFastBackend } from '../kernels/fast-backend';
import { randomTensor } from '../kernels/helpers';

const conv = (filters: number) => ({
  className: 'Conv2D',
  config: { filters, kernel_size: [3, 3], padding: 'same', use_bias: false },
});
const input = { className: 'InputLayer', config: { shape: [12, 12, 3] } };
/**
 * Gamma and beta away from their initial ones and zeros, as after some training: beta shifts the relu's threshold,
 * so the mask depends on every coefficient of y = gamma · x̂ + beta.
 */
const trained = {
  gamma_initializer: 'RandomNormal(mean=1, stddev=0.5)',
  beta_initializer: 'RandomUniform(minval=-0.5, maxval=0.5)',
};
const head = [
  { className: 'GlobalAveragePooling2D' },
  { className: 'Dense', config: { units: 5, activation: 'softmax' } },
];

const MODELS: { name: string; doc: () => ModelDocument; fusedPairs: number }[] = [
  {
    name: "Conv → BN → Activation('relu'), Conv → BN → ReLU(6.0) (32 channels: the SIMD path)",
    doc: () =>
      chainDocument([
        input,
        conv(32),
        { className: 'BatchNormalization', config: trained },
        { className: 'Activation', config: { activation: 'relu' } },
        conv(32),
        { className: 'BatchNormalization', config: { ...trained, momentum: 0.9 } },
        { className: 'ReLU', config: { max_value: 6 } },
        ...head,
      ]),
    fusedPairs: 2,
  },
  {
    name: "5 channels (the reference path inside the fast backend), Activation('relu6')",
    doc: () =>
      chainDocument([
        input,
        conv(5),
        { className: 'BatchNormalization', config: { ...trained, scale: false } },
        { className: 'Activation', config: { activation: 'relu6' } },
        ...head,
      ]),
    fusedPairs: 1,
  },
  {
    name: 'not fused: a BN read by a ReLU and a shortcut, a ReLU with a slope, a frozen BN',
    doc: () =>
      graphDocument(
        [
          input,
          conv(32),
          { className: 'BatchNormalization' },
          { className: 'ReLU' },
          { className: 'Add' },
          { className: 'BatchNormalization', config: { trainable: false } },
          { className: 'ReLU' },
          { className: 'BatchNormalization' },
          { className: 'ReLU', config: { negative_slope: 0.1 } },
          ...head,
        ],
        [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [2, 4],
          [4, 5],
          [5, 6],
          [6, 7],
          [7, 8],
          [8, 9],
          [9, 10],
        ],
      ),
    fusedPairs: 0,
  },
  {
    name: "not fused: a BN → Activation('relu') that is the model's output",
    doc: () =>
      chainDocument([
        input,
        conv(8),
        { className: 'GlobalAveragePooling2D' },
        { className: 'Dense', config: { units: 5 } },
        { className: 'BatchNormalization' },
        { className: 'Activation', config: { activation: 'relu' } },
      ]),
    fusedPairs: 0,
  },
];

/** One training step's forward and backward, fused or not: every number that leaves it. */
function step(backend: Backend, doc: ModelDocument, fuse: FuseOptions | undefined) {
  const compiled = compileModel(doc, 7);
  if (!compiled.ok) throw new Error(compiled.message);
  const model = compiled.model;
  const ctx = makeContext(backend, true, 3);
  const x = randomTensor([6, 12, 12, 3], 11);
  // A few outliers: some normalized values pass 6, where relu6 and relu part.
  for (let i = 0; i < x.data.length; i += 97) x.data[i] *= 40;
  const labels = Int32Array.from([0, 1, 2, 3, 4, 0]);
  const run = () => {
    const pass = forward(model, [x], ctx, undefined, fuse);
    const loss = computeLoss('sparse_categorical_crossentropy', pass.output, labels, {
      fromLogits: false,
      outputActivation: null,
    });
    const grads = backward(model, pass, loss.grad, ctx, loss.gradIsLogits);
    const numbers: Record<string, number[]> = { output: Array.from(pass.output.data), loss: [loss.loss] };
    for (const [id, g] of grads) for (const [name, v] of Object.entries(g)) numbers[`${id}/${name}`] = Array.from(v);
    for (const [id, u] of pass.updates)
      for (const [name, v] of Object.entries(u)) numbers[`${id}/${name} update`] = Array.from(v);
    return { numbers, fused: pass.fused.size };
  };
  return backend.stepScope ? backend.stepScope(run) : run();
}

function sameNumbers(got: Record<string, number[]>, want: Record<string, number[]>) {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    const at = w.findIndex((v, i) => !Object.is(v, got[k][i]));
    expect(at, `${k}[${at}]: ${got[k][at]} vs ${w[at]}`).toBe(-1);
  }
}

describe('a relu after a training BatchNormalization runs in the BN’s pass with the same bits', () => {
  const fast = useFastBackend();
  for (const m of MODELS)
    for (const [kernels, backend] of [
      ['reference', () => referenceBackend],
      ['fast', fast],
    ] as const)
      it(`${m.name} (${kernels} kernels)`, () => {
        const apart = step(backend(), m.doc(), undefined);
        const together = step(backend(), m.doc(), { keep: new Set() });
        expect(apart.fused).toBe(0);
        expect(together.fused).toBe(m.fusedPairs);
        sameNumbers(together.numbers, apart.numbers);
      });

  it('a config key named "epilogue" in a document is only an unknown key: the BN applies no relu', () => {
    // As a project file or an engine message could hand it over (chainDocument would drop the unknown key).
    const doc = (bn: Record<string, string>) => {
      const d = chainDocument([input, conv(8), { className: 'BatchNormalization', config: trained }, ...head]);
      const node = d.nodes.find((n) => n.className === 'BatchNormalization')!;
      node.config = { ...node.config, ...bn };
      return d;
    };
    for (const fuse of [undefined, { keep: new Set<string>() }]) {
      const plain = step(referenceBackend, doc({}), fuse);
      const keyed = step(referenceBackend, doc({ epilogue: 'relu' }), fuse);
      expect(keyed.fused).toBe(0);
      sameNumbers(keyed.numbers, plain.numbers);
    }
  });

  it('a BN kept (an activity regularizer reads its own output) is not fused', () => {
    const doc = MODELS[1].doc();
    const bn = doc.nodes.find((n) => n.className === 'BatchNormalization')!;
    expect(step(referenceBackend, doc, { keep: new Set([bn.id]) }).fused).toBe(0);
  });
});
