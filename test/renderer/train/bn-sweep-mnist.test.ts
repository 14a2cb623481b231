// The learning-rate sweep and the higher-rate repeat, run for real: the lesson template "CNN, BN between convolution
// and activation" (its classifier normalized too) and its BN-free twin trained on MNIST with the Train tab's default
// settings at the sweep's three rates, for three seeds, the progress fed through the training store as the app
// feeds it. The claims are checked against what the trainer measured (its history, not the store's curves), and the
// article's point must show: at the highest rate BN trains while the twin, which differs only by BN and the biases
// BN makes redundant, does not; and the repeat's ladder (10×, then 100×, stopping where a model fails) climbs to
// that rate rather than stopping at 10×, where both train.
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
import { bnReport, ladderStops, sweepClaim, sweepPoints } from '../../../renderer/panels/train/bn-report';
import { REESTIMATE_BATCHES } from '../../../renderer/panels/train/reestimate-bn';
import { sweepOf } from '../../../renderer/panels/train/CompareReport';
import { ladderRates, rateText, sweepRates } from '../../../renderer/panels/train/time-to-target';
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
  return { doc, settings, twin, results, run: useTraining.getState().runs.find((r) => r.id === runId)! };
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
  it('states each rate’s outcome as trained; BN tolerates the highest rate, and the repeat climbs to it', async () => {
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
    // The higher-rate repeat: the set rate, then each rung of the ladder until a side fails. It must reach a rate
    // where the twin fails and BN trains, and its report (over the runs it made) states each of their numbers.
    expect(ladderRates(DEFAULT_CONFIG)).toEqual(rates.slice(1));
    const stopAt = done.findIndex((d) => ladderStops(d.run, CLASSES));
    expect(stopAt).toBeGreaterThan(0);
    const ladder = done.slice(0, stopAt + 1);
    const ladderClaim = sweepClaim(
      sweepPoints(
        ladder.map((d) => d.run),
        CLASSES,
      ),
      CLASSES,
    )!;
    expect(ladderClaim.verdict).toBe('with BN');
    const topRate = rateText(rates[stopAt]);
    expect(ladderClaim.text).toMatch(
      new RegExp(
        `^With BN tolerates the highest rate, ${topRate.replace('.', '\\.')}: there without BN (diverged|stayed at chance), while with BN trained\\.`,
      ),
    );
    for (const [i, { results, run }] of ladder.entries())
      expect(ladderClaim.text).toContain(
        `t ${rateText(rates[i])} (run #${run.number}) with BN ${expectedText(results.model)}, without BN ${expectedText(results['without BN'])}`,
      );
    // At 10× both models train on every seed: a repeat at 10× alone would have shown no tolerance.
    expect(ladderStops(done[1].run, CLASSES)).toBe(false);

    // At rate 1 BN may validate far below its training accuracy (on the kernels before 1db727e, seed 2: 67.5% against
    // 89.6%, and 89.5% re-estimated). The report then names the gap and what measures it; re-estimating the
    // statistics (PreciseBN) is that measurement, and the report says how much of the gap it closed.
    const topRun = done.at(-1)!;
    const bnTop = top.model;
    const gap = bnTop.history.accuracy.at(-1)! - bnTop.history.val_accuracy.at(-1)!;
    const plainGap = plain.history.accuracy.at(-1)! - plain.history.val_accuracy.at(-1)!;
    const report = bnReport(topRun.run);
    const gapClaim = report.claims.find((c) => c.story === 'statistics');
    if (gap - plainGap > 0.05)
      expect(gapClaim?.text).toContain(
        `With BN validates ${(gap * 100).toFixed(1)} points below its training accuracy, without BN ${(Math.abs(plainGap) * 100).toFixed(1)} points.`,
      );
    else expect(gapClaim).toBeUndefined();
    const compiled = compileModel({ ...topRun.doc, weights: bnTop.weights }, seed);
    if (!compiled.ok) throw new Error(compiled.message);
    const parts = split(data, topRun.settings.validationSplit!, seed);
    const before = evaluate(compiled.model, parts.validation, topRun.settings, backend);
    const info = reestimateBnStatistics(compiled.model, parts.train, {
      batches: REESTIMATE_BATCHES,
      batchSize: topRun.settings.batchSize,
      seed,
      backend,
    });
    const after = evaluate(compiled.model, parts.validation, topRun.settings, backend);
    const reestimated = bnReport({ ...topRun.run, reestimated: { ...info, before, after } }).claims.at(-1)!;
    expect(reestimated.story).toBe('reestimate');
    expect(reestimated.text).toContain(`with BN validates at ${pct(after.accuracy)} (it was ${pct(before.accuracy)}`);
    const moved = after.accuracy - before.accuracy;
    if (gap > 0.05) {
      expect(reestimated.text).toContain(
        `Validation moved ${moved >= 0 ? '+' : '−'}${(Math.abs(moved) * 100).toFixed(1)} points against a gap of ${(gap * 100).toFixed(1)} points to its training accuracy (${pct(bnTop.history.accuracy.at(-1)!)})`,
      );
      expect(reestimated.text).toContain(
        moved >= gap / 2
          ? 'the moving averages from fit caused most of the gap'
          : 'most of the gap is not the moving averages',
      );
    } else expect(reestimated.text).not.toContain('Validation moved');
    // The measured truth behind the sentence: population statistics never validate worse than the lagging averages,
    // and they close most of any gap there is.
    expect(after.accuracy).toBeGreaterThanOrEqual(before.accuracy - 0.01);
    if (gap > 0.05) expect(moved).toBeGreaterThanOrEqual(gap / 2);

    console.log(
      `seed ${seed}: re-estimated at rate 1: val ${pct(before.accuracy)} → ${pct(after.accuracy)}; ` +
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
