// The BN comparison's report: each claim is a sentence with its numbers, and a claim is made only where the
// figures support it. Curves here are made up; bn-report-mnist.test.ts checks the report on real training.
import { describe, expect, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { assignNames } from '../../../engine/graph/naming';
import { getTemplate } from '../../../engine/graph/templates';
import {
  bnReport,
  ladderStops,
  movingStatistics,
  sweepClaim,
  sweepPoints,
  unnormalizedLinear,
  type SweepRun,
} from '../../../renderer/panels/train/bn-report';
import { emptySeries, type RunSeries } from '../../../renderer/stores/series';

const cnn = (momentum?: number) =>
  chainDocument([
    { className: 'InputLayer', config: { shape: [28, 28, 1] } },
    { className: 'Conv2D', config: { filters: 4, kernel_size: [3, 3], use_bias: false } },
    { className: 'BatchNormalization', name: 'bn', config: momentum === undefined ? {} : { momentum } },
    { className: 'Activation', config: { activation: 'relu' } },
    { className: 'Flatten' },
    { className: 'Dense', config: { units: 10, activation: 'softmax' } },
  ]);

/** A run's curves: `steps` per epoch, the given per-epoch training and validation figures. */
function curves(steps: number, epochs: { loss: number; acc: number; valLoss?: number; valAcc?: number }[]): RunSeries {
  const s = emptySeries();
  epochs.forEach((e, i) => {
    const last = steps * (i + 1);
    for (let k = last - steps + 1; k <= last; k++) {
      s.step.push(k);
      s.loss.push(e.loss);
      s.accuracy.push(e.acc);
    }
    s.epochStep.push(last);
    s.epochLoss.push(e.loss);
    s.epochAccuracy.push(e.acc);
    s.valLoss.push(e.valLoss ?? null);
    s.valAccuracy.push(e.valAcc ?? null);
    s.epochElapsedMs.push(1000 * (i + 1));
  });
  return s;
}

describe('the moving statistics', () => {
  it('counts momentum^steps and the steps that bring it under 5%: 299 at Keras’s 0.99', () => {
    const m = movingStatistics(cnn(), 114)!;
    expect(m.layer).toBe('bn');
    expect(m.startShare).toBeCloseTo(0.99 ** 114, 12);
    expect(m.stepsToSettle).toBe(299);
    expect(0.99 ** 299).toBeLessThanOrEqual(0.05);
    expect(0.99 ** 298).toBeGreaterThan(0.05);
    expect(m.settled).toBe(false);
    expect(movingStatistics(cnn(), 339)!.settled).toBe(true);
    expect(movingStatistics(cnn(0.9), 29)!).toMatchObject({ stepsToSettle: 29, settled: true });
  });
});

describe('the report', () => {
  const shortRun = () => ({
    document: cnn(),
    series: {
      model: curves(57, [
        { loss: 0.811, acc: 0.764, valLoss: 2.1, valAcc: 0.495 },
        { loss: 0.203, acc: 0.944, valLoss: 1.9, valAcc: 0.47 },
      ]),
      'without BN': curves(57, [
        { loss: 1.064, acc: 0.683, valLoss: 0.7, valAcc: 0.81 },
        { loss: 0.35, acc: 0.893, valLoss: 0.36, valAcc: 0.895 },
      ]),
    },
  });

  it('tells both stories apart with their numbers, and says in one sentence why validation lags after 114 steps', () => {
    const report = bnReport(shortRun());
    const [optimisation, generalisation, statistics, ...rest] = report.claims;
    expect(rest).toEqual([]);
    expect(optimisation).toEqual({
      story: 'optimisation',
      verdict: 'with BN',
      text: 'With BN trained further in the same steps: after 114 steps with BN ended at training loss 0.203 and accuracy 94.4%, without BN after 114 at 0.350 and 89.3%; over the first epoch, 0.811 vs 1.064.',
    });
    expect(generalisation).toEqual({
      story: 'generalisation',
      verdict: 'without BN',
      text: 'Without BN validates better: 47.0% with BN (loss 1.900), 89.5% without (loss 0.360).',
    });
    expect(statistics.story).toBe('statistics');
    expect(statistics.text).toBe(
      `After 114 steps at momentum 0.99, ${(0.99 ** 114 * 100).toFixed(1)}% of bn's moving statistics is still its starting mean 0 and variance 1; about 299 steps settle it, so the validation figure with BN understates the model.`,
    );
    expect(statistics.text.split('. ').length).toBe(1);
  });

  it('adds the re-estimated validation, with what it was before', () => {
    const report = bnReport({
      ...shortRun(),
      reestimated: {
        batches: 100,
        samples: 1600,
        before: { loss: 1.9, accuracy: 0.47 },
        after: { loss: 0.3, accuracy: 0.91 },
      },
    });
    expect(report.claims.at(-1)).toEqual({
      story: 'reestimate',
      verdict: null,
      text:
        'With the BN statistics re-estimated over 100 training batches (1,600 samples, weights frozen), with BN validates at 91.0% (it was 47.0% with the moving averages from fit). ' +
        'Validation moved +44.0 points against a gap of 47.4 points to its training accuracy (94.4%): the moving averages from fit caused most of the gap, not overfitting.',
    });
  });

  it('calls differences under half a point or 5% of the loss the same, and disagreeing figures mixed', () => {
    const run = (bn: [number, number], plain: [number, number]) => ({
      document: cnn(),
      series: {
        model: curves(120, [{ loss: bn[0], acc: bn[1], valLoss: 0.3, valAcc: 0.9 }]),
        'without BN': curves(120, [{ loss: plain[0], acc: plain[1], valLoss: 0.3, valAcc: 0.903 }]),
      },
    });
    expect(bnReport(run([0.2, 0.95], [0.205, 0.953])).claims[0].verdict).toBe('same');
    expect(bnReport(run([0.2, 0.9], [0.3, 0.95])).claims[0].verdict).toBe('mixed');
    // Mixed says which side led on which figure: a normalized classifier can classify better at a higher loss.
    expect(bnReport(run([0.2, 0.9], [0.3, 0.95])).claims[0].text).toMatch(
      /^Neither trained clearly further: without BN classified more of the training data, with BN reached the lower loss: after 120 steps/,
    );
    expect(bnReport(run([0.666, 0.881], [0.477, 0.848])).claims[0].text).toMatch(
      /^Neither trained clearly further: with BN classified more of the training data, without BN reached the lower loss: after 120 steps with BN ended at training loss 0\.666 and accuracy 88\.1%/,
    );
    expect(bnReport(run([0.3, 0.9], [0.2, 0.95])).claims[0].verdict).toBe('without BN');
    expect(bnReport(run([0.3, 0.9], [0.2, 0.95])).claims[1].verdict).toBe('same');
  });

  it('names the gap when, settled, BN alone validates far below its training accuracy, and the measurement for it', () => {
    const report = bnReport({
      document: cnn(),
      series: {
        model: curves(113, [
          { loss: 0.5, acc: 0.8 },
          { loss: 0.2, acc: 0.93 },
          { loss: 0.1, acc: 0.971, valLoss: 0.9, valAcc: 0.73 },
        ]),
        'without BN': curves(113, [
          { loss: 0.8, acc: 0.7 },
          { loss: 0.3, acc: 0.9 },
          { loss: 0.16, acc: 0.957, valLoss: 0.4, valAcc: 0.885 },
        ]),
      },
    });
    expect(report.statistics).toMatchObject({ steps: 339, settled: true });
    expect(report.claims.map((c) => c.story)).toEqual(['optimisation', 'generalisation', 'statistics']);
    expect(report.claims[2].text).toBe(
      'With BN validates 24.1 points below its training accuracy, without BN 7.2 points. Validation uses the moving statistics, which average about the last 100 steps while the weights kept changing under them; “Re-estimate BN statistics” measures how much of the gap that explains.',
    );
  });

  it('says what re-estimating measured about the gap: the moving averages caused most of it, or not', () => {
    // Seed 2 at rate 1 on MNIST, kernels before 1db727e: 89.6% training accuracy, 67.5% validation, 89.5% re-estimated.
    const run = (after: number) => ({
      document: cnn(0.9),
      series: {
        model: curves(339, [{ loss: 0.302, acc: 0.896, valLoss: 1.1, valAcc: 0.675 }]),
        'without BN': curves(339, [{ loss: 2.319, acc: 0.102, valLoss: 2.3, valAcc: 0.095 }]),
      },
      reestimated: {
        batches: 100,
        samples: 1600,
        before: { loss: 1.1, accuracy: 0.675 },
        after: { loss: 0.35, accuracy: after },
      },
    });
    expect(bnReport(run(0.895)).claims.at(-1)!.text).toBe(
      'With the BN statistics re-estimated over 100 training batches (1,600 samples, weights frozen), with BN validates at 89.5% (it was 67.5% with the moving averages from fit). Validation moved +22.0 points against a gap of 22.1 points to its training accuracy (89.6%): the moving averages from fit caused most of the gap, not overfitting.',
    );
    expect(bnReport(run(0.7)).claims.at(-1)!.text).toMatch(
      /Validation moved \+2\.5 points against a gap of 22\.1 points to its training accuracy \(89\.6%\): most of the gap is not the moving averages\.$/,
    );
    expect(bnReport(run(0.6)).claims.at(-1)!.text).toContain('Validation moved −7.5 points');
  });

  it('asks for a validation split rather than claiming anything about generalisation without one', () => {
    const report = bnReport({
      document: cnn(),
      series: { model: curves(400, [{ loss: 0.1, acc: 0.97 }]), 'without BN': curves(400, [{ loss: 0.2, acc: 0.94 }]) },
    });
    expect(report.claims[1]).toMatchObject({ story: 'generalisation', verdict: null });
    expect(report.claims[1].text).toMatch(/^No validation figures/);
  });
});

describe('the learning-rate sweep', () => {
  const cut = (s: RunSeries, steps: number): RunSeries => ({
    ...s,
    step: s.step.slice(0, steps),
    loss: s.loss.slice(0, steps),
    accuracy: s.accuracy.slice(0, steps),
    epochStep: [],
    epochLoss: [],
    epochAccuracy: [],
    valLoss: [],
    valAccuracy: [],
    epochElapsedMs: [],
  });
  const trained = curves(10, [
    { loss: 0.5, acc: 0.8, valLoss: 0.4, valAcc: 0.85 },
    { loss: 0.3, acc: 0.9, valLoss: 0.3, valAcc: 0.91 },
  ]);
  const atChance = curves(10, [
    { loss: 2.31, acc: 0.1, valLoss: 2.3, valAcc: 0.09 },
    { loss: 2.302, acc: 0.098, valLoss: 2.3, valAcc: 0.1 },
  ]);
  const run = (number: number, rate: number, model: RunSeries, plain: RunSeries, failed = false): SweepRun => ({
    number,
    status: failed ? 'failed' : 'completed',
    config: { optimizer: 'sgd', learningRate: rate, epochs: 2 },
    series: { model, 'without BN': plain },
  });

  it('names a side that diverged, with the step whose loss was not finite (a failed run that ended early)', () => {
    const points = sweepPoints([run(3, 1, trained, cut(trained, 7), true), run(1, 0.01, trained, trained)], 10);
    expect(points.map((p) => p.rate)).toEqual([0.01, 1]);
    expect(points[1].sides['without BN']).toMatchObject({ outcome: 'diverged', divergedAt: 8 });
    expect(sweepClaim(points, 10)).toEqual({
      story: 'learning-rate',
      verdict: 'with BN',
      text:
        'With BN tolerates the highest rate, 1: there without BN diverged, while with BN trained. ' +
        'At 0.01 (run #1) with BN reached 90.0% training accuracy, 91.0% validation, without BN reached 90.0% training accuracy, 91.0% validation; ' +
        'at 1 (run #3) with BN reached 90.0% training accuracy, 91.0% validation, without BN diverged (its loss was not finite at step 8).',
    });
  });

  it('says "stayed at chance" below 1.5 / classes, and turns the verdict when BN is the side that fails', () => {
    const claim = sweepClaim(sweepPoints([run(1, 0.01, trained, trained), run(2, 1, atChance, trained)], 10), 10)!;
    expect(claim.verdict).toBe('without BN');
    expect(claim.text).toContain(
      'at 1 (run #2) with BN stayed at chance: 9.8% training accuracy, loss 2.302 (chance is 10.0%), without BN reached 90.0%',
    );
  });

  it('names the linear layers no BN follows when BN is the side that fails: a Dense head on normalized features', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [28, 28, 1] } },
      { className: 'Conv2D', config: { filters: 8, kernel_size: [3, 3], use_bias: false } },
      { className: 'BatchNormalization' },
      { className: 'Activation', config: { activation: 'relu' } },
      { className: 'Flatten' },
      { className: 'Dense', config: { units: 10, activation: 'softmax' } },
    ]);
    expect(unnormalizedLinear(doc, assignNames(doc.nodes))).toEqual(['dense']);
    // The lesson template normalizes its classifier too.
    expect(unnormalizedLinear(getTemplate('cnn-bn-before-activation')!.build())).toEqual([]);
    const points = sweepPoints([run(1, 0.01, trained, trained), run(2, 1, atChance, trained)], 10);
    expect(sweepClaim(points, 10, ['dense'])!.text).toMatch(
      /\(chance is 10\.0%\), without BN reached 90\.0% training accuracy, 91\.0% validation\. dense has no BatchNormalization after it: normalize the classifier too, Dense\(use_bias=False\) → BatchNormalization → softmax, as the template “CNN, BN between convolution and activation” does\.$/,
    );
    // Only BN's failure calls for it.
    const bnTrains = sweepPoints([run(1, 0.01, trained, trained), run(2, 1, trained, atChance)], 10);
    expect(sweepClaim(bnTrains, 10, ['dense'])!.text).not.toContain('no BatchNormalization after');
  });

  it('stops the higher-rate ladder at the first rate where either side diverged or stayed at chance', () => {
    expect(ladderStops(run(2, 0.1, trained, trained), 10)).toBe(false);
    expect(ladderStops(run(3, 1, trained, atChance), 10)).toBe(true);
    expect(ladderStops(run(3, 1, atChance, trained), 10)).toBe(true);
    expect(ladderStops(run(3, 1, trained, cut(trained, 7), true), 10)).toBe(true);
  });

  it('makes no claim from one rate, or while a side has finished no epoch', () => {
    expect(sweepClaim(sweepPoints([run(1, 0.01, trained, trained)], 10), 10)).toBeNull();
    const live = { ...run(2, 0.1, trained, cut(trained, 3)), status: 'running' as const };
    expect(sweepClaim(sweepPoints([run(1, 0.01, trained, trained), live], 10), 10)).toBeNull();
  });
});
