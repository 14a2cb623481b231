// The learning-rate sweep, run for real: the lesson template "CNN, BN between convolution and activation" (its
// classifier normalized too) and its BN-free twin trained on MNIST with the Train tab's default settings at the
// sweep's three rates, for three seeds, the progress fed through the training store as the app feeds it. The sweep's claim is checked against what the trainer
// measured (its history, not the store's curves), and the article's point must show: at the highest rate BN
// trains while the twin, which differs only by BN and the biases BN makes redundant, does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../../engine/data/node/load';
import type { Dataset } from '../../../engine/data/types';
import { getTemplate } from '../../../engine/graph/templates';
import { disposeBackend, loadBackend } from '../../../engine/kernels/registry';
import type { Backend } from '../../../engine/kernels/types';
import { train, type TrainResult, type TrainSettings } from '../../../engine/train/trainer';
import { bnTwin } from '../../../engine/train/twin';
import { sweepClaim, sweepPoints } from '../../../renderer/panels/train/bn-report';
import { sweepOf } from '../../../renderer/panels/train/CompareReport';
import { rateText, sweepRates } from '../../../renderer/panels/train/time-to-target';
import { DEFAULT_CONFIG, useTraining } from '../../../renderer/stores/training';

let backend: Backend;
let data: Dataset;
const CLASSES = 10;

beforeAll(async () => {
  backend = (await loadBackend('fast')).backend;
  const loaded = await loadDataset(DEFAULT_CONFIG.datasetId, { subset: DEFAULT_CONFIG.subset ?? undefined, seed: 0 });
  if (!loaded.ok) throw new Error(loaded.errors[0].message);
  data = loaded.value.train;
});
afterAll(() => disposeBackend(backend));

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);

/** One comparison at `rate`, as the app runs it: the model, then its twin, each reported to the store. */
async function comparison(seed: number, rate: number) {
  const doc = getTemplate('cnn-bn-before-activation')!.build();
  const twin = bnTwin(doc);
  const config = { ...DEFAULT_CONFIG, seed, learningRate: rate, loss: 'sparse_categorical_crossentropy' as const };
  const settings: TrainSettings = {
    loss: config.loss,
    optimizer: { name: config.optimizer, learning_rate: rate },
    epochs: config.epochs,
    batchSize: config.batchSize,
    validationSplit: config.validationSplit,
    seed,
  };
  const runId = `sweep-${seed}-${rate}`;
  useTraining.getState().begin({ id: runId, datasetTitle: 'MNIST', config, compareBn: true, document: doc });
  const results: Record<string, TrainResult> = {};
  for (const [label, model] of [
    ['model', doc],
    ['without BN', twin.doc],
  ] as const)
    results[label] = await train(model, data, settings, {
      backend,
      onEvent: (event) => useTraining.getState().progress(runId, { data: { run: label, event } }),
    });
  useTraining.getState().finish(runId, {
    ok: true,
    value: {
      kernels: backend.name,
      runs: Object.entries(results).map(([label, r]) => ({
        label,
        document: label === 'model' ? doc : twin.doc,
        ...r,
      })),
    },
  });
  return { twin, results, run: useTraining.getState().runs.find((r) => r.id === runId)! };
}

/** What the report must say about one side, from the trainer's own history. */
function expectedText(r: TrainResult): string {
  if (r.status === 'failed') return `diverged (its loss was not finite at step ${r.batchLoss.length + 1})`;
  const acc = r.history.accuracy.at(-1)!;
  if (acc < 1.5 / CLASSES)
    return `stayed at chance: ${pct(acc)} training accuracy, loss ${num(r.history.loss.at(-1)!)} (chance is 10.0%)`;
  return `reached ${pct(acc)} training accuracy, ${pct(r.history.val_accuracy.at(-1)!)} validation`;
}

describe.each([0, 1, 2])('the learning-rate sweep on MNIST, seed %i', (seed) => {
  it('reports each rate’s outcome from the trainer’s history, and BN tolerates the highest rate', async () => {
    const rates = sweepRates(DEFAULT_CONFIG);
    expect(rates).toEqual([0.01, 0.1, 1]);
    const done = [];
    for (const rate of rates) done.push(await comparison(seed, rate));

    // The twin differs only by BN and the biases BN made redundant.
    const { twin } = done[0];
    expect(twin.removed).toEqual(['batch_normalization', 'batch_normalization_1', 'batch_normalization_2']);
    expect(twin.biasRestored).toEqual(['conv2d', 'conv2d_1', 'dense']);

    const last = done.at(-1)!.run;
    const runs = useTraining.getState().runs;
    const sweep = sweepOf(last, runs);
    expect(sweep.map((r) => r.id).sort()).toEqual(done.map((d) => d.run.id).sort());
    const claim = sweepClaim(sweepPoints(sweep, CLASSES), CLASSES)!;
    for (const [i, rate] of rates.entries()) {
      const { results, run } = done[i];
      expect(claim.text).toContain(
        `t ${rateText(rate)} (run #${run.number}) with BN ${expectedText(results.model)}, without BN ${expectedText(results['without BN'])}`,
      );
    }

    // The article's point, measured: at 1, BN trains far and validates well; the twin diverges or stays at chance.
    const top = done.at(-1)!.results;
    expect(top.model.status).toBe('completed');
    expect(top.model.history.accuracy.at(-1)!).toBeGreaterThan(0.85);
    expect(top.model.history.val_accuracy.at(-1)!).toBeGreaterThan(0.5);
    const plain = top['without BN'];
    expect(plain.status === 'failed' || plain.history.accuracy.at(-1)! < 1.5 / CLASSES).toBe(true);
    expect(claim.verdict).toBe('with BN');
    expect(claim.text).toMatch(
      /^With BN tolerates the highest rate, 1: there without BN (diverged|stayed at chance), while with BN trained\./,
    );
    console.log(
      `seed ${seed}: ` +
        done
          .map(
            ({ results: r }, i) =>
              `lr ${rates[i]}: BN ${pct(r.model.history.accuracy.at(-1) ?? 0)}/${pct(r.model.history.val_accuracy.at(-1) ?? 0)} ` +
              `plain ${r['without BN'].status} ${pct(r['without BN'].history.accuracy.at(-1) ?? 0)}/${pct(r['without BN'].history.val_accuracy.at(-1) ?? 0)}`,
          )
          .join('; '),
    );
  }, 300_000);
});
