/**
 * Predict: a sample of the training dataset (or a digit drawn on a pad) through the model, its class probabilities
 * and what every convolution, normalization, activation and pooling layer made of it. Runs on the canvas's model
 * (with the weights it carries, random ones when it has none) or on a finished run's trained weights.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { infer } from '../../../engine/api/graph';
import { useGraph } from '../../stores/graph';
import { datasetInfo, useDatasets } from '../../stores/datasets';
import { positionOf, usePredict, type PredictMode } from '../../stores/predict';
import { newestCompleted, useTraining, type TrainingRun } from '../../stores/training';
import { DrawPad } from './DrawPad';
import { FeatureMaps } from './FeatureMaps';
import { ProbabilityBars } from './ProbabilityBars';
import { SamplePicker } from './SamplePicker';
import { centreByMass, takesDrawing } from './pad';
import { modelInputShape, predict, type PredictOutcome } from './run-predict';
import { BUILTIN_TEST_SPLITS, useSamples } from './use-samples';
import { bnWarmup, weightsStatus } from './weights-status';
import './predict.css';

/** Thumbnails in the strip: one page of the split. */
const STRIP = 12;

const usable = (r: TrainingRun) => r.weights !== undefined && (r.status === 'completed' || r.status === 'stopped');

export function PredictPanel({ dark }: { dark: boolean }) {
  const doc = useGraph((s) => s.doc);
  const runs = useTraining((s) => s.runs);
  const datasetId = useTraining((s) => s.config.datasetId);
  const imported = useDatasets((s) => s.imported);
  const { mode, weightsFrom, drawn, setMode, setWeightsFrom, setDrawn, pick } = usePredict();
  const position = usePredict((s) => positionOf(s, datasetId));
  const [outcome, setOutcome] = useState<PredictOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  const finished = runs.filter(usable);
  const newest = newestCompleted(runs, true);
  const run = weightsFrom === 'newest' ? newest : finished.find((r) => r.id === weightsFrom);
  const modelDoc = useMemo(() => (run ? { ...run.document, weights: run.weights } : doc), [run, doc]);
  const inference = useMemo(() => infer(modelDoc), [modelDoc]);
  const inputShape = modelInputShape(inference);
  const canDraw = takesDrawing(inputShape);
  const shownMode: PredictMode = mode === 'draw' && canDraw ? 'draw' : 'sample';
  // Memoized: an imported dataset's description is a new object each call, and the prediction depends on it.
  const info = useMemo(() => datasetInfo(datasetId, imported), [datasetId, imported]);
  const hasTest = BUILTIN_TEST_SPLITS.includes(datasetId) || imported.some((d) => d.id === datasetId && d.test);
  const split = hasTest ? 'test' : 'train';
  const page = Math.floor(position / STRIP) * STRIP;
  const samples = useSamples(datasetId, split, page, STRIP);
  const sampleWin = samples.status === 'ready' && samples.window.offset === page ? samples.window : null;
  const status = weightsStatus(modelDoc, inference, run?.number);
  // The run's weights are its model's ('model'; the twin has no BN), trained for as many steps as its curve has.
  const warmup = run ? bnWarmup(run.document, inference, run.series.model?.step.at(-1) ?? 0) : null;

  const input = useMemo(() => {
    if (shownMode === 'draw')
      return drawn && inputShape
        ? { x: centreByMass(drawn), shape: inputShape as number[], classNames: info?.classNames ?? [] }
        : null;
    const k = position - (sampleWin?.offset ?? 0);
    if (!sampleWin || k < 0 || k >= sampleWin.count) return null;
    const per = sampleWin.sampleShape.reduce((a, b) => a * b, 1);
    return {
      x: sampleWin.x.slice(k * per, (k + 1) * per),
      shape: sampleWin.sampleShape,
      classNames: sampleWin.classNames,
    };
  }, [shownMode, drawn, inputShape?.join(), info, sampleWin, position]);

  const latest = useRef(0);
  useEffect(() => {
    if (!input) {
      setOutcome(null);
      return;
    }
    const ticket = ++latest.current;
    setBusy(true);
    // Edits on the canvas change the model at typing speed: predict once they pause.
    const timer = setTimeout(() => {
      void predict(modelDoc, inference, input.x, input.shape, input.classNames).then((result) => {
        if (ticket !== latest.current) return;
        setOutcome(result);
        setBusy(false);
      });
    }, 120);
    return () => clearTimeout(timer);
  }, [input, modelDoc, inference]);

  // The latency shown: from the request to the engine until the bars are on screen (the frame after they render).
  const [barsMs, setBarsMs] = useState<number | null>(null);
  useEffect(() => {
    setBarsMs(null);
    if (!outcome?.ok) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setBarsMs(performance.now() - outcome.startedAt), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [outcome]);

  return (
    <div className="predict" data-testid="predict-panel" data-dark={dark} data-busy={busy}>
      <div className="predict-toolbar">
        <div className="predict-modes" role="radiogroup" aria-label="Input">
          <button
            type="button"
            role="radio"
            aria-checked={shownMode === 'sample'}
            className={shownMode === 'sample' ? 'is-active' : ''}
            data-testid="predict-mode-sample"
            onClick={() => setMode('sample')}
          >
            Dataset sample
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={shownMode === 'draw'}
            className={shownMode === 'draw' ? 'is-active' : ''}
            data-testid="predict-mode-draw"
            disabled={!canDraw}
            title={
              canDraw
                ? 'Draw a digit on a 28×28 pad'
                : 'The pad draws 28×28 grey digits: the model Input must be (28, 28, 1), (28, 28) or (784,)'
            }
            onClick={() => setMode('draw')}
          >
            Draw a digit
          </button>
        </div>
        <label className="predict-weights">
          <span>Weights</span>
          <select
            className="field-input"
            data-testid="predict-weights"
            value={weightsFrom === 'newest' ? 'newest' : run ? run.id : 'model'}
            onChange={(e) => setWeightsFrom(e.target.value)}
          >
            <option value="newest">
              {newest
                ? `Newest completed run (#${newest.number})`
                : 'Newest completed run (none yet: the canvas model)'}
            </option>
            <option value="model">The model on the canvas</option>
            {finished.map((r) => (
              <option key={r.id} value={r.id}>
                Run #{r.number} ({r.status}, {r.datasetTitle})
              </option>
            ))}
          </select>
        </label>
        <span
          className={`predict-status ${status.trained ? '' : 'is-untrained'}`}
          data-testid="predict-weights-status"
          data-trained={status.trained}
        >
          {status.text}
        </span>
      </div>
      {warmup ? (
        <div className="predict-warmup" data-testid="predict-bn-warmup" role="note">
          {warmup}
        </div>
      ) : null}
      <div className="predict-body">
        <section className="predict-input" aria-label="Input">
          {shownMode === 'draw' ? (
            <DrawPad initial={drawn} onDrawn={setDrawn} />
          ) : samples.status === 'error' ? (
            <div className="problem-error predict-problem" data-testid="predict-samples-error">
              <div>{samples.error.message}</div>
              {samples.error.hint ? <div className="problem-hint">{samples.error.hint}</div> : null}
            </div>
          ) : sampleWin ? (
            <SamplePicker window={sampleWin} position={position} onPick={(p) => pick(datasetId, p, sampleWin.total)} />
          ) : (
            <div className="predict-empty">Loading {info?.title ?? 'the dataset'}…</div>
          )}
        </section>
        <section className="predict-output" aria-label="Prediction">
          <div className="predict-title">
            Prediction
            {outcome?.ok && barsMs !== null ? (
              <span
                className="predict-muted"
                data-testid="predict-latency"
                data-bars-ms={barsMs.toFixed(1)}
                data-engine-ms={outcome.elapsedMs.toFixed(1)}
                title={`From the request to the engine until these bars were drawn; the engine's answer took ${Math.round(outcome.elapsedMs)} ms of it.`}
              >
                {' '}
                · {Math.round(barsMs)} ms
              </span>
            ) : null}
          </div>
          {outcome === null ? (
            <div className="predict-empty">{shownMode === 'draw' ? 'Draw a digit on the pad.' : 'Pick a sample.'}</div>
          ) : outcome.ok ? (
            <ProbabilityBars scores={outcome.scores} />
          ) : (
            <div className="problem-error predict-problem" data-testid="predict-error">
              <div>{outcome.error.message}</div>
              {outcome.error.hint ? <div className="problem-hint">{outcome.error.hint}</div> : null}
            </div>
          )}
        </section>
        <section className="predict-maps-column" aria-label="Feature maps">
          <div className="predict-title">Feature maps</div>
          {outcome?.ok ? (
            <FeatureMaps maps={outcome.maps} />
          ) : (
            <div className="predict-empty">The layers' outputs show here after a prediction.</div>
          )}
        </section>
      </div>
    </div>
  );
}
