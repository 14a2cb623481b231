/**
 * A saved run built outside the app (the CLI's `train --out`): it records the trainer's events into the same
 * curves the Train tab draws, so a project trained on the command line opens with its run listed and charted.
 */
import type { ModelDocument } from '../graph/document';
import type { TrainEvent, TrainResult } from '../train/trainer';
import type { SavedRun, SavedRunConfig, SavedSeries, SavedStatsPoint } from './project-runs';

export interface RecordedModel {
  /** 'model' for the model itself, 'without BN' for its twin: the labels the Train tab uses. */
  label: string;
  document: ModelDocument;
  result: TrainResult;
  testAccuracy?: number;
}

export class RunRecorder {
  private readonly series = new Map<string, SavedSeries>();
  private readonly stats = new Map<string, SavedStatsPoint[]>();

  /** The trainer's `onEvent` for the model labelled `label`. */
  listener(label: string): (event: TrainEvent) => void {
    const s: SavedSeries = {
      step: [],
      loss: [],
      accuracy: [],
      epochStep: [],
      epochLoss: [],
      epochAccuracy: [],
      valLoss: [],
      valAccuracy: [],
      epochElapsedMs: [],
    };
    const points: SavedStatsPoint[] = [];
    this.series.set(label, s);
    this.stats.set(label, points);
    return (e) => {
      if (e.type === 'batch') {
        s.step.push(e.step);
        s.loss.push(e.loss);
        s.accuracy.push(e.accuracy);
      } else if (e.type === 'epoch') {
        s.epochStep.push(s.step.at(-1) ?? 0);
        s.epochLoss.push(e.loss);
        s.epochAccuracy.push(e.accuracy);
        s.valLoss.push(e.val_loss ?? null);
        s.valAccuracy.push(e.val_accuracy ?? null);
        s.epochElapsedMs!.push(e.elapsedMs);
      } else points.push({ step: e.step, epoch: e.epoch, stats: e.stats });
    };
  }

  /** The run as a project keeps it: failed if any model failed, stopped if any stopped. */
  finish(
    run: {
      id: string;
      number: number;
      datasetTitle: string;
      config: SavedRunConfig;
      compareBn: boolean;
      startedAt: number;
    },
    models: RecordedModel[],
  ): SavedRun {
    const failed = models.find((m) => m.result.status === 'failed');
    const stopped = models.some((m) => m.result.status === 'stopped');
    const results: SavedRun['results'] = {};
    for (const m of models)
      results[m.label] = {
        document: m.document,
        elapsedMs: m.result.elapsedMs,
        ...(m.result.weights && m.result.status !== 'failed' ? { weights: m.result.weights } : {}),
        ...(m.testAccuracy !== undefined ? { testAccuracy: m.testAccuracy } : {}),
      };
    const main = models.find((m) => m.label === 'model');
    const weights = main && main.result.status !== 'failed' ? results[main.label].weights : undefined;
    const labels = models.map((m) => m.label).filter((l) => this.series.has(l));
    return {
      ...run,
      status: failed ? 'failed' : stopped ? 'stopped' : 'completed',
      document: main?.document ?? models[0].document,
      labels,
      series: Object.fromEntries(labels.map((l) => [l, this.series.get(l)!])),
      stats: Object.fromEntries(labels.filter((l) => this.stats.get(l)!.length).map((l) => [l, this.stats.get(l)!])),
      results,
      ...(weights ? { weights } : {}),
      progress: null,
      durationMs: models.reduce((sum, m) => sum + m.result.elapsedMs, 0),
      error: failed?.result.error
        ? {
            message: failed.result.error.message,
            ...(failed.result.error.hint ? { hint: failed.result.error.hint } : {}),
          }
        : null,
    };
  }
}
