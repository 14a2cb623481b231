/**
 * Training runs in the project file: a save → open round trip gives the same runs with bit-exact weights, each
 * model's weights stored once, and a malformed run costs only itself (a located warning), never the model.
 */
import { describe, expect, it } from 'vitest';
import { initializeWeights } from '../../../engine/train/initializers';
import { tensor } from '../../../engine/core/tensor';
import { readProjectFile, writeProject } from '../../../engine/formats/project';
import {
  readRuns,
  RUN_FORMAT_VERSION,
  writeRun,
  type SavedRun,
  type SavedSeries,
} from '../../../engine/formats/project-runs';
import type { ModelDocument } from '../../../engine/graph/document';
import { getTemplate } from '../../../engine/graph/templates';
import { bnTwin } from '../../../engine/train/twin';

function series(losses: number[], accuracies: number[], val: (number | null)[]): SavedSeries {
  return {
    step: losses.map((_, i) => i + 1),
    loss: losses,
    accuracy: accuracies,
    epochStep: [losses.length],
    epochLoss: [losses.at(-1)!],
    epochAccuracy: [accuracies.at(-1)!],
    valLoss: val,
    valAccuracy: val.map((v) => (v === null ? null : 1 - v)),
    epochElapsedMs: [losses.length * 100],
  };
}

/** A comparison run of the article MLP (model and its BN-free twin), each with its own trained weights. */
function comparisonRun(number: number): SavedRun {
  const document = getTemplate('article-mlp')!.build();
  const twin = bnTwin(document).doc;
  const weights = initializeWeights(document, number);
  const dense = document.nodes[1];
  return {
    id: `run-${number}`,
    number,
    datasetTitle: 'Spirals',
    config: {
      datasetId: 'spirals',
      subset: 512,
      optimizer: 'adam',
      learningRate: null,
      batchSize: 32,
      epochs: 1,
      loss: 'sparse_categorical_crossentropy',
      validationSplit: 0.1,
      seed: 3,
    },
    compareBn: true,
    status: 'completed',
    document,
    labels: ['model', 'without BN'],
    series: {
      model: series([0.9, 0.7, 0.5], [0.4, 0.5, 0.625], [0.55]),
      'without BN': series([0.95, 0.8, 0.75], [0.3, 0.35, 0.5], [0.6]),
    },
    stats: {
      model: [
        { step: 2, epoch: 0, stats: [{ nodeId: dense.id, name: 'dense', className: 'Dense', mean: 0.25, std: 1.5 }] },
      ],
    },
    results: {
      model: { document, weights, testAccuracy: 0.75, elapsedMs: 1200 },
      'without BN': { document: twin, weights: initializeWeights(twin, 100 + number), elapsedMs: 900 },
    },
    weights,
    progress: {
      label: 'without BN',
      epoch: 0,
      epochs: 1,
      batch: 3,
      batches: 3,
      samplesPerSecond: 2400,
      fraction: 1,
      elapsedMs: 900,
    },
    startedAt: 1_700_000_000_000,
    durationMs: 2150,
    error: null,
  };
}

/** A run that diverged: its curve ends in NaN, it has no weights, and an error with a hint. */
function failedRun(number: number): SavedRun {
  const document = getTemplate('article-mlp')!.build();
  return {
    id: `run-${number}`,
    number,
    datasetTitle: 'Spirals',
    config: {
      datasetId: 'imported:points.csv',
      subset: null,
      optimizer: 'sgd',
      learningRate: 1e10,
      batchSize: 16,
      epochs: 1,
      loss: 'sparse_categorical_crossentropy',
      validationSplit: 0,
      seed: 0,
    },
    compareBn: false,
    status: 'failed',
    document,
    labels: ['model'],
    series: {
      model: {
        ...series([2.5, Infinity, NaN], [0.5, 0.5, 0.5], []),
        epochStep: [],
        epochLoss: [],
        epochAccuracy: [],
        epochElapsedMs: [],
      },
    },
    stats: {
      model: [
        {
          step: 1,
          epoch: 0,
          stats: [{ nodeId: document.nodes[1].id, name: 'dense', className: 'Dense', mean: -Infinity, std: NaN }],
        },
      ],
    },
    results: { model: { document, elapsedMs: 40 } },
    progress: null,
    startedAt: 1_700_000_100_000,
    durationMs: 45,
    error: {
      message: 'the loss became NaN at epoch 1, batch 3: training diverged',
      hint: 'lower the learning rate (now 10000000000)',
    },
  };
}

const model = (): ModelDocument => getTemplate('article-mlp')!.build();

function reopen(runs: SavedRun[], doc = model()) {
  const r = readProjectFile(writeProject(doc, { runs }));
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return r;
}

const bytesOf = (data: Float32Array) => Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));

describe('runs in the project file: round trip', () => {
  it('save → open gives equal runs: settings, curves (NaN and infinities too), statistics, results and errors', () => {
    const runs = [comparisonRun(5), failedRun(4)];
    const back = reopen(runs);
    expect(back.warnings).toEqual([]);
    expect(back.runs).toEqual(runs);
    // toEqual treats NaN as equal to NaN; say it outright for the diverged curve.
    expect(Number.isNaN(back.runs![1].series.model.loss[2])).toBe(true);
    expect(back.runs![1].series.model.loss[1]).toBe(Infinity);
    expect(Number.isNaN(back.runs![1].stats.model[0].stats[0].std)).toBe(true);
  });

  it('every trained weight comes back bit for bit, NaN, infinities and -0 included', () => {
    const run = comparisonRun(2);
    const kernel = run.weights![run.document.nodes[1].id][0].tensor.data;
    kernel[0] = NaN;
    kernel[1] = -Infinity;
    kernel[2] = -0;
    const back = reopen([run]).runs![0];
    for (const label of run.labels)
      for (const [id, list] of Object.entries(run.results[label].weights!))
        list.forEach((w, k) => {
          const got = back.results[label].weights![id][k];
          expect(got.name).toBe(w.name);
          expect(got.tensor.shape).toEqual(w.tensor.shape);
          expect(bytesOf(got.tensor.data)).toEqual(bytesOf(w.tensor.data));
        });
    expect(Object.is(back.weights![run.document.nodes[1].id][0].tensor.data[2], -0)).toBe(true);
  });

  it("writes weights as base64 little-endian float32, the model's only once, and no graph twice", () => {
    const run = comparisonRun(1);
    const firstDense = run.document.nodes[1].id;
    run.results.model.weights![firstDense][1] = { name: 'bias', tensor: tensor([4], [1, 2, 3, 4]) };
    const file = JSON.parse(writeProject(model(), { runs: [run] }));
    const saved = file.runs[0];
    expect(saved.version).toBe(RUN_FORMAT_VERSION);
    // 1.0, 2.0, 3.0, 4.0 as little-endian float32 bytes, base64 (the project fixture's reference value).
    expect(saved.results.model.weights[firstDense][1]).toEqual({
      name: 'bias',
      shape: [4],
      dtype: 'float32',
      data: 'AACAPwAAAEAAAEBAAACAQA==',
    });
    expect(saved.weights).toEqual({ resultOf: 'model' });
    expect(saved.results.model.document).toBeUndefined();
    expect(saved.results['without BN'].document.nodes.map((n: { className: string }) => n.className)).toEqual([
      'InputLayer',
      'Dense',
      'Dense',
      'Dense',
    ]);
    // Reopened, the run's weights are the model result's, not a second copy.
    const back = reopen([run]).runs![0];
    expect(back.weights).toBe(back.results.model.weights);
    expect(back.results.model.document).toBe(back.document);
  });

  it("the run's own weights are written out when they are not a result's", () => {
    const run = comparisonRun(1);
    run.weights = initializeWeights(run.document, 77);
    const saved = writeRun(run);
    expect(Object.keys(saved.weights as object)).toEqual(Object.keys(run.weights));
    expect(reopen([run]).runs![0].weights).toEqual(run.weights);
  });

  it('a project without runs writes no runs field', () => {
    expect(JSON.parse(writeProject(model(), { runs: [] })).runs).toBeUndefined();
  });
});

describe('runs in the project file: a bad run is skipped with a located warning, the rest opens', () => {
  const fileWith = (mutate: (runs: Record<string, any>[]) => void) => {
    const file = JSON.parse(writeProject(model(), { runs: [comparisonRun(3), comparisonRun(2), failedRun(1)] }));
    mutate(file.runs);
    return readProjectFile(JSON.stringify(file));
  };

  it('weights that are not base64: that run is skipped, the model and the other runs open', () => {
    const r = fileWith((runs) => {
      const id = Object.keys(runs[1].results.model.weights)[0];
      runs[1].results.model.weights[id][0].data = 'not base64!';
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.nodes).toHaveLength(6);
    expect(r.runs!.map((x) => x.number)).toEqual([3, 1]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].message).toBe("run #2 was skipped: weight 'kernel' is not valid base64");
    expect(r.warnings[0].path).toMatch(/^runs\[1\]\.results\.model\.weights\.[\w]+\[0\]\.data$/);
    expect(r.warnings[0].hint).toContain('the model and the other runs open as saved');
  });

  it('a weight whose bytes do not fill its shape, a wrong type, an unknown optimizer: each named with its path and value', () => {
    const r = fileWith((runs) => {
      const id = Object.keys(runs[0].results['without BN'].weights)[1];
      runs[0].results['without BN'].weights[id][0].shape = [3, 3];
      runs[1].config.epochs = 'two';
      runs[2].config.optimizer = 'adamw';
    });
    expect(r.ok && r.runs).toEqual([]);
    if (!r.ok) return;
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^run #3 was skipped: weight 'kernel' holds \d+ bytes but its shape \(3, 3\) needs 36$/),
      'run #2 was skipped: config.epochs: expected number, got "two"',
      'run #1 was skipped: config.optimizer: expected "sgd" or "adam" or "rmsprop", got "adamw"',
    ]);
    expect(r.warnings.map((w) => w.path)).toEqual([
      expect.stringMatching(/^runs\[0\]\.results\["without BN"\]\.weights\.\w+\[0\]\.data$/),
      'runs[1].config.epochs',
      'runs[2].config.optimizer',
    ]);
  });

  it('a connection to a layer the graph lacks, a label without curves, a repeated id', () => {
    const r = fileWith((runs) => {
      runs[0].document.edges[0].target = 'ghost';
      delete runs[1].series['without BN'];
      runs[2].id = runs[1].id;
    });
    if (!r.ok) throw new Error('the project should open');
    expect(r.runs!.map((x) => x.number)).toEqual([1]);
    expect(r.warnings.map((w) => [w.path, w.message])).toEqual([
      [
        'runs[0].document.edges[0].target',
        'run #3 was skipped: the connection\'s target "ghost" is not a layer of the run\'s graph',
      ],
      ['runs[1].series', 'run #2 was skipped: the model "without BN" has no curves'],
    ]);
  });

  it('a run from a newer LayerCanvas, and a runs field that is not a list', () => {
    const newer = fileWith((runs) => {
      runs[0].version = RUN_FORMAT_VERSION + 1;
    });
    expect(newer.ok && newer.warnings.map((w) => w.path)).toEqual(['runs[0].version']);
    expect(newer.ok && newer.warnings[0].hint).toBe('update LayerCanvas to see this run');
    const file = JSON.parse(writeProject(model()));
    file.runs = { run: 1 };
    const r = readProjectFile(JSON.stringify(file));
    expect(r.ok && r.runs).toBeUndefined();
    expect(r.ok && r.warnings.map((w) => [w.path, w.message])).toEqual([
      ['runs', 'the training runs were skipped: expected a list, got {"run":1}'],
    ]);
  });

  it('optional fields may be missing: per-epoch training times and the last progress', () => {
    const raw = writeRun(comparisonRun(1)) as {
      progress?: unknown;
      series: Record<string, { epochElapsedMs?: number[] }>;
    };
    delete raw.progress;
    delete raw.series.model.epochElapsedMs;
    const { runs, warnings } = readRuns([raw]);
    expect(warnings).toEqual([]);
    expect(runs[0].progress).toBeNull();
    expect(runs[0].series.model.epochElapsedMs).toBeUndefined();
    expect(runs[0].series['without BN'].epochElapsedMs).toEqual([300]);
  });

  it('readRuns alone: a number or null in place of a run', () => {
    const { runs, warnings } = readRuns([42, null, writeRun(failedRun(7))]);
    expect(runs.map((r) => r.number)).toEqual([7]);
    expect(warnings.map((w) => w.path)).toEqual(['runs[0]', 'runs[1]']);
  });
});
