/**
 * The Train tab's runs through a project file, driven as the app drives them: the store records runs from the
 * engine's events and outcome, Save writes the ended ones (not the one in flight), Open puts them back with
 * curves, statistics and weights that still apply to the canvas. Also who is who when two runs are compared.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { referenceBackend } from '../../../engine/kernels/reference';
import { compileModel, exportWeights } from '../../../engine/train/executor';
import { reestimateBnStatistics } from '../../../engine/train/precise-bn';
import { bnReport } from '../../../renderer/panels/train/bn-report';
import { readProjectFile, writeProject } from '../../../engine/formats/project';
import { getTemplate } from '../../../engine/graph/templates';
import type { TrainOutcome, TrainRunResult } from '../../../engine/api/protocol';
import type { TrainEvent } from '../../../engine/train/trainer';
import { bnTwin } from '../../../engine/train/twin';
import { COMPARE_COLORS, comparedModels, compareCurves, orderRuns } from '../../../renderer/panels/train/runs/compare';
import { runFileBase, trainedDocument } from '../../../renderer/panels/train/runs/export-run';
import { chartData } from '../../../renderer/stores/series';
import { applyTrainedWeights } from '../../../renderer/panels/train/use-weights';
import {
  DEFAULT_CONFIG,
  restoreRuns,
  serializableRuns,
  useTraining,
  type TrainingRun,
} from '../../../renderer/stores/training';

const config = {
  ...DEFAULT_CONFIG,
  datasetId: 'spirals' as const,
  subset: 256,
  epochs: 1,
  loss: 'sparse_categorical_crossentropy' as const,
};
const batch = (step: number, loss: number): TrainEvent => ({
  type: 'batch',
  epoch: 0,
  epochs: 1,
  batch: step,
  batches: 2,
  loss,
  accuracy: 1 - loss / 3,
  samplesPerSecond: 500,
  elapsedMs: step * 10,
  step,
});
const epoch: TrainEvent = {
  type: 'epoch',
  epoch: 0,
  epochs: 1,
  loss: 1.5,
  accuracy: 0.5,
  val_loss: 1.6,
  val_accuracy: 0.45,
  elapsedMs: 25,
};

/** One run through the store as the engine would report it, weights seeded. */
function train(id: string, compareBn: boolean, seed: number): void {
  const document = getTemplate('article-mlp')!.build();
  const twin = bnTwin(document).doc;
  const s = useTraining.getState();
  s.begin({ id, datasetTitle: 'Spirals', config: { ...config, seed }, compareBn, document }, 1000);
  const labels = compareBn ? ['model', 'without BN'] : ['model'];
  for (const label of labels) {
    for (const [step, loss] of [
      [1, 2],
      [2, 1.5],
    ])
      s.progress(id, { data: { run: label, event: batch(step, loss) } });
    s.progress(id, { data: { run: label, event: epoch } });
    s.progress(id, {
      data: {
        run: label,
        event: {
          type: 'layer-stats',
          step: 2,
          epoch: 0,
          stats: [{ nodeId: document.nodes[1].id, name: 'dense', className: 'Dense', mean: 0.1, std: 0.9 }],
        },
      },
    });
  }
  const result = (label: string, doc = document): TrainRunResult => ({
    label,
    status: 'completed',
    document: doc,
    history: { loss: [1.5], accuracy: [0.5], val_loss: [1.6], val_accuracy: [0.45] },
    batchLoss: [2, 1.5],
    batchAccuracy: [0.33, 0.5],
    weights: initializeWeights(doc, seed),
    elapsedMs: 20,
  });
  const outcome: TrainOutcome = {
    runs: compareBn ? [result('model'), result('without BN', twin)] : [result('model')],
    kernels: 'fast',
  };
  useTraining.getState().finish(id, { ok: true, value: outcome }, 1500);
}

beforeEach(() => {
  useTraining.setState({ runs: [], activeId: null, selectedId: null, requestId: null, config: DEFAULT_CONFIG });
});

describe('runs saved with the project and restored on opening', () => {
  it('Save keeps the ended runs only; Open lists them again with curves, statistics and weights', () => {
    train('a', false, 1);
    train('b', true, 2);
    useTraining.getState().begin({
      id: 'live',
      datasetTitle: 'Spirals',
      config,
      compareBn: false,
      document: getTemplate('article-mlp')!.build(),
    });
    const before = useTraining.getState().runs.filter((r) => r.id !== 'live');
    const saved = serializableRuns();
    expect(saved.map((r) => r.number)).toEqual([2, 1]);

    const file = readProjectFile(writeProject(getTemplate('article-mlp')!.build(), { runs: saved }));
    if (!file.ok) throw new Error('the project should read back');
    expect(file.warnings).toEqual([]);
    useTraining.setState({ runs: [], activeId: null, selectedId: null });
    restoreRuns(file.runs!);
    const after = useTraining.getState().runs;
    expect(after).toEqual(before);
    // The status line reads as it did when the run ended.
    expect(after[0].progress).toMatchObject({
      label: 'without BN',
      epoch: 0,
      epochs: 1,
      batch: 2,
      batches: 2,
      fraction: 1,
    });
    expect(useTraining.getState().selectedId).toBe('b');
    // The charts draw from the restored curves as from live ones.
    const data = chartData([{ run: '', series: after[1].series.model }], 'loss');
    expect(data.x).toEqual([1, 2]);
    expect(data.curves.map((c) => c.label)).toEqual(['loss', 'epoch loss', 'val loss']);
    // "Use these weights" applies them to a canvas with the same layers.
    const canvas = getTemplate('article-mlp')!.build();
    expect(applyTrainedWeights(canvas, after[0].weights!).applied).toEqual([
      'dense',
      'batch_normalization',
      'dense_1',
      'batch_normalization_1',
      'dense_2',
    ]);
    // The next run continues the numbering.
    useTraining.getState().begin({ id: 'next', datasetTitle: 'Spirals', config, compareBn: false, document: canvas });
    expect(useTraining.getState().runs[0].number).toBe(3);
  });

  it('Save and Open keep re-estimated BN statistics: the moving means and variances, the figures and the report', () => {
    train('b', true, 2);
    const run = useTraining.getState().runs[0];
    // A real PreciseBN pass with the run's weights frozen, over 256 samples shaped as the article MLP's Input
    // (1, 5): new moving statistics, not the trained ones.
    const compiled = compileModel({ ...run.document, weights: run.weights }, 2);
    if (!compiled.ok) throw new Error(compiled.message);
    const x = Float32Array.from({ length: 256 * 5 }, (_, i) => Math.sin(i * 0.7) * 3 + 1);
    const data = {
      name: 'waves',
      description: '',
      x,
      y: Int32Array.from({ length: 256 }, (_, i) => i % 2),
      sampleShape: [1, 5],
      numClasses: 2,
      count: 256,
      normalization: [],
    };
    const info = reestimateBnStatistics(compiled.model, data, {
      batches: 4,
      batchSize: 32,
      seed: 2,
      backend: referenceBackend,
    });
    const weights = exportWeights(compiled.model);
    const bnId = run.document.nodes.find((n) => n.className === 'BatchNormalization')!.id;
    const movingMean = (w: typeof weights) => Array.from(w[bnId].find((x) => x.name === 'moving_mean')!.tensor.data);
    expect(movingMean(weights)).not.toEqual(movingMean(run.weights!));
    useTraining.getState().setReestimated('b', {
      batches: info.batches,
      samples: info.samples,
      before: { loss: 1.6, accuracy: 0.45 },
      after: { loss: Number.NaN, accuracy: 0.5 },
      weights,
    });
    const reportBefore = bnReport(useTraining.getState().runs[0]).claims.map((c) => c.text);
    const file = readProjectFile(writeProject(getTemplate('article-mlp')!.build(), { runs: serializableRuns() }));
    if (!file.ok) throw new Error('the project should read back');
    useTraining.setState({ runs: [], activeId: null, selectedId: null });
    restoreRuns(file.runs!);
    const restored = useTraining.getState().runs[0];
    expect(restored.reestimated).toMatchObject({
      batches: 4,
      samples: 128,
      before: { loss: 1.6, accuracy: 0.45 },
      after: { accuracy: 0.5 },
    });
    expect(restored.reestimated!.after!.loss).toBeNaN();
    expect(movingMean(restored.reestimated!.weights)).toEqual(movingMean(weights));
    expect(restored.reestimated!.weights).toEqual(weights);
    expect(bnReport(restored).claims.map((c) => c.text)).toEqual(reportBefore);
    expect(reportBefore.at(-1)).toContain('re-estimated over 4 training batches (128 samples, weights frozen)');
  });

  it('Open keeps a run still training and replaces the rest', () => {
    train('old', false, 1);
    useTraining.getState().begin({
      id: 'live',
      datasetTitle: 'Spirals',
      config,
      compareBn: false,
      document: getTemplate('article-mlp')!.build(),
    });
    const other = (() => {
      useTraining.setState({ runs: [], activeId: null });
      train('file', false, 4);
      return serializableRuns();
    })();
    useTraining.setState({
      runs: [{ ...(useTraining.getState().runs[0] as TrainingRun), id: 'live', status: 'running' }],
      activeId: 'live',
      selectedId: 'live',
    });
    restoreRuns(other);
    expect(useTraining.getState().runs.map((r) => r.id)).toEqual(['live', 'file']);
    expect(useTraining.getState().selectedId).toBe('live');
    // A run in flight keeps the settings it is using.
    expect(useTraining.getState().config).toEqual(DEFAULT_CONFIG);
  });

  it("Open sets the settings to the newest run's, so Start repeats it; data the session lacks keeps the current dataset", () => {
    train('x', false, 7);
    const saved = serializableRuns();
    useTraining.setState({ runs: [], activeId: null, selectedId: null, config: DEFAULT_CONFIG });
    restoreRuns(saved);
    expect(useTraining.getState().config).toEqual({ ...config, seed: 7 });
    useTraining.setState({ config: DEFAULT_CONFIG });
    restoreRuns(saved.map((r) => ({ ...r, config: { ...r.config, datasetId: 'imported:gone.csv' } })));
    expect(useTraining.getState().config).toEqual({ ...config, seed: 7, datasetId: DEFAULT_CONFIG.datasetId });
  });
});

describe('two runs compared', () => {
  it('names a single run by number and a comparison run by number and side, older run first, in its own colours', () => {
    train('a', true, 1);
    train('b', false, 2);
    const [newer, older] = useTraining.getState().runs;
    const models = comparedModels(orderRuns(newer, older));
    expect(models.map((m) => m.name)).toEqual(['#1 with BN', '#1 without BN', '#2']);
    expect(models.map((m) => m.color)).toEqual([COMPARE_COLORS[0][0], COMPARE_COLORS[0][1], COMPARE_COLORS[1][0]]);
    const loss = chartData(compareCurves(models), 'loss');
    expect(loss.curves.map((c) => c.label)).toEqual([
      '#1 with BN · loss',
      '#1 with BN · val loss',
      '#1 without BN · loss',
      '#1 without BN · val loss',
      '#2 · loss',
      '#2 · val loss',
    ]);
    expect(loss.curves[4].color).toBe(COMPARE_COLORS[1][0]);
  });

  it("exports the run's snapshot with its trained weights, under the model's name and the run's number", () => {
    train('a', false, 1);
    const run = useTraining.getState().runs[0];
    const doc = trainedDocument(run);
    expect(doc.nodes).toBe(run.document.nodes);
    expect(doc.weights).toBe(run.weights);
    expect(runFileBase(run)).toBe('sequential-run-1');
    expect(runFileBase({ ...run, document: { ...run.document, name: 'my model/v2' } })).toBe('my_model_v2-run-1');
  });
});
