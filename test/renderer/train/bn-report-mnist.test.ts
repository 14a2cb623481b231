// The default With / without BN comparison, run for real: the template "CNN, BN between convolution and activation"
// and its BN-free twin trained on MNIST with the Train tab's default settings, for three seeds, the progress fed
// through the training store as the app feeds it. Every number the report states is checked against what the
// trainer measured (its history, not the store's curves), and the defaults must let the article's points show:
// statistics settled, BN classifying more of the training data and validating better, and a re-estimate that
// measures the model as trained. (The learning-rate story of the same template: bn-sweep-mnist.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { split } from '../../../engine/data/dataset';
import { loadDataset } from '../../../engine/data/node/load';
import type { Dataset } from '../../../engine/data/types';
import { getTemplate } from '../../../engine/graph/templates';
import { disposeBackend, loadBackend } from '../../../engine/kernels/registry';
import type { Backend } from '../../../engine/kernels/types';
import { compileModel } from '../../../engine/train/executor';
import { reestimateBnStatistics } from '../../../engine/train/precise-bn';
import { evaluate, train, type TrainResult, type TrainSettings } from '../../../engine/train/trainer';
import { bnTwin } from '../../../engine/train/twin';
import { bnReport } from '../../../renderer/panels/train/bn-report';
import { REESTIMATE_BATCHES } from '../../../renderer/panels/train/reestimate-bn';
import { DEFAULT_CONFIG, useTraining } from '../../../renderer/stores/training';

let backend: Backend;
let data: Dataset;

beforeAll(async () => {
  backend = (await loadBackend('fast')).backend;
  const loaded = await loadDataset(DEFAULT_CONFIG.datasetId, { subset: DEFAULT_CONFIG.subset ?? undefined, seed: 0 });
  if (!loaded.ok) throw new Error(loaded.errors[0].message);
  data = loaded.value.train;
});
afterAll(() => disposeBackend(backend));

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const num = (v: number) => v.toFixed(3);

async function defaultComparison(seed: number) {
  const doc = getTemplate('cnn-bn-before-activation')!.build();
  const config = { ...DEFAULT_CONFIG, seed, loss: 'sparse_categorical_crossentropy' as const };
  const settings: TrainSettings = {
    loss: config.loss,
    optimizer: { name: config.optimizer },
    epochs: config.epochs,
    batchSize: config.batchSize,
    validationSplit: config.validationSplit,
    seed,
  };
  const runId = `mnist-${seed}`;
  useTraining.getState().begin({ id: runId, datasetTitle: 'MNIST', config, compareBn: true, document: doc });
  const results: Record<string, TrainResult> = {};
  for (const [label, model] of [
    ['model', doc],
    ['without BN', bnTwin(doc).doc],
  ] as const) {
    results[label] = await train(model, data, settings, {
      backend,
      onEvent: (event) => useTraining.getState().progress(runId, { data: { run: label, event } }),
    });
    expect(results[label].status).toBe('completed');
  }
  useTraining.getState().finish(runId, {
    ok: true,
    value: {
      kernels: backend.name,
      runs: Object.entries(results).map(([label, r]) => ({
        label,
        document: label === 'model' ? doc : bnTwin(doc).doc,
        ...r,
      })),
    },
  });
  const run = useTraining.getState().runs.find((r) => r.id === runId)!;
  return { doc, run, results, settings };
}

describe.each([0, 1, 2])('the default BN comparison on MNIST, seed %i', (seed) => {
  it('reports only what the curves measured, and the defaults show BN’s points', async () => {
    const { doc, run, results, settings } = await defaultComparison(seed);
    const bn = results.model;
    const plain = results['without BN'];
    const steps = bn.batchLoss.length;
    const report = bnReport(run);
    const [optimisation, generalisation, ...others] = report.claims;

    // Optimisation: the last epoch's training figures (batch statistics), as the trainer's history has them.
    expect(optimisation.story).toBe('optimisation');
    expect(optimisation.text).toContain(
      `after ${steps} steps with BN ended at training loss ${num(bn.history.loss.at(-1)!)} and accuracy ${pct(bn.history.accuracy.at(-1)!)}`,
    );
    expect(optimisation.text).toContain(
      `without BN after ${plain.batchLoss.length} at ${num(plain.history.loss.at(-1)!)} and ${pct(plain.history.accuracy.at(-1)!)}`,
    );
    expect(optimisation.text).toContain(
      `over the first epoch, ${num(bn.history.loss[0])} vs ${num(plain.history.loss[0])}`,
    );
    // The defaults make the article's first point: in the same steps, BN classifies more of the training data. Its
    // loss need not be lower: the normalized classifier's logits spread only as far as its gamma lets them, which
    // caps the softmax's confidence; the verdict then reads mixed and says which side led on which figure.
    const [bnLoss, plainLoss] = [bn.history.loss.at(-1)!, plain.history.loss.at(-1)!];
    expect(bn.history.accuracy.at(-1)!).toBeGreaterThan(plain.history.accuracy.at(-1)! + 0.005);
    const lossSame = Math.abs(bnLoss - plainLoss) <= 0.05 * Math.max(bnLoss, plainLoss);
    expect(optimisation.verdict).toBe(lossSame || bnLoss < plainLoss ? 'with BN' : 'mixed');
    if (optimisation.verdict === 'mixed')
      expect(optimisation.text).toMatch(
        /^Neither trained clearly further: with BN classified more of the training data, without BN reached the lower loss: /,
      );

    // Generalisation: the last validation figures (inference mode), and a verdict that follows from them.
    expect(generalisation.text).toContain(
      `${pct(bn.history.val_accuracy.at(-1)!)} with BN (loss ${num(bn.history.val_loss.at(-1)!)})`,
    );
    expect(generalisation.text).toContain(
      `${pct(plain.history.val_accuracy.at(-1)!)} without (loss ${num(plain.history.val_loss.at(-1)!)})`,
    );
    const gap = bn.history.val_accuracy.at(-1)! - plain.history.val_accuracy.at(-1)!;
    expect(generalisation.verdict).toBe(Math.abs(gap) <= 0.005 ? 'same' : gap > 0 ? 'with BN' : 'without BN');
    // With moving statistics that follow the weights (momentum 0.9), BN validates better at the defaults.
    expect(gap).toBeGreaterThan(0.005);

    // The defaults settle the moving statistics, so the report has no "not settled" sentence.
    expect(steps).toBeGreaterThanOrEqual(299);
    expect(report.statistics).toMatchObject({ steps, momentum: 0.9, settled: true });
    expect(report.statistics!.startShare).toBeCloseTo(0.9 ** steps, 12);
    expect(others.every((c) => c.story === 'statistics' && !c.text.includes('starting mean'))).toBe(true);
    const bnGap = bn.history.accuracy.at(-1)! - bn.history.val_accuracy.at(-1)!;
    const plainGap = plain.history.accuracy.at(-1)! - plain.history.val_accuracy.at(-1)!;
    expect(others.length).toBe(bnGap - plainGap > 0.05 ? 1 : 0);
    if (others.length)
      expect(others[0].text).toContain(
        `With BN validates ${(bnGap * 100).toFixed(1)} points below its training accuracy, without BN ${(plainGap * 100).toFixed(1)} points`,
      );

    // Re-estimated statistics (PreciseBN over the run's own training split), and the claim that reports them.
    const compiled = compileModel({ ...doc, weights: bn.weights }, seed);
    if (!compiled.ok) throw new Error(compiled.message);
    const parts = split(data, settings.validationSplit!, seed);
    const before = evaluate(compiled.model, parts.validation, settings, backend);
    expect(before.accuracy).toBeCloseTo(bn.history.val_accuracy.at(-1)!, 6);
    const info = reestimateBnStatistics(compiled.model, parts.train, {
      batches: REESTIMATE_BATCHES,
      batchSize: settings.batchSize,
      seed,
      backend,
    });
    const after = evaluate(compiled.model, parts.validation, settings, backend);
    const claim = bnReport({ ...run, reestimated: { ...info, before, after } }).claims.at(-1)!;
    const measured = `With the BN statistics re-estimated over ${info.batches} training batches (${info.samples.toLocaleString('en-US')} samples, weights frozen), with BN validates at ${pct(after.accuracy)} (it was ${pct(before.accuracy)} with the moving averages from fit).`;
    // A sentence on the gap to the training accuracy only where there is one (more than 5 points).
    const trainValGap = bn.history.accuracy.at(-1)! - before.accuracy;
    if (trainValGap > 0.05) expect(claim.text.startsWith(`${measured} Validation moved `)).toBe(true);
    else expect(claim.text).toBe(measured);
    expect(info.batches).toBe(Math.min(REESTIMATE_BATCHES, Math.ceil(parts.train.count / settings.batchSize)));
    // Population statistics measure the model as trained at least as well as the lagging averages.
    expect(after.accuracy).toBeGreaterThanOrEqual(before.accuracy - 0.01);
    console.log(
      `seed ${seed}: ${steps} steps; train loss ${num(bnLoss)} vs ${num(plainLoss)}, ` +
        `acc ${pct(bn.history.accuracy.at(-1)!)} vs ${pct(plain.history.accuracy.at(-1)!)}; ` +
        `val ${pct(before.accuracy)} (re-estimated ${pct(after.accuracy)}) vs ${pct(plain.history.val_accuracy.at(-1)!)}`,
    );
  }, 900_000);
});
