/**
 * The BN inspector: a BatchNormalization layer's trained gamma, beta, moving mean and moving variance per channel,
 * and one batch pushed through the trained model in training and in inference mode to show what the moving
 * statistics change.
 */
import { useMemo, useState } from 'react';
import { MAX_SAMPLES } from '../../../engine/api/data';
import type { ProtocolError } from '../../../engine/api/protocol';
import { getEngineClient } from '../../services/host-instance';
import type { TrainingRun } from '../../stores/training';
import { fetchBatch } from './batch';
import { BN_PARAMS, bnLayers, bnParams, meanAbsGap, type BnLayer, type BnParamName, type BnParams } from './bn-view';
import { short, SIDE_COLOR } from './canvas';
import { ChannelChart } from './ChannelChart';
import { modesAgree, runTwoModes, type TwoModes } from './two-modes';

const PARAM_TITLE: Record<BnParamName, string> = {
  gamma: 'gamma γ (scale)',
  beta: 'beta β (shift)',
  moving_mean: 'moving mean',
  moving_variance: 'moving variance',
};
const PARAM_COLOR: Record<BnParamName, string> = {
  gamma: '#16a34a',
  beta: '#7a5af8',
  moving_mean: '#0086c9',
  moving_variance: '#a16207',
};

function ParamTable({ params }: { params: BnParams }) {
  const names = BN_PARAMS.filter((n) => params[n]);
  return (
    <details className="inside-table">
      <summary>Values per channel</summary>
      <table data-testid="bn-values-table">
        <thead>
          <tr>
            <th>ch</th>
            {names.map((n) => (
              <th key={n}>{n}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: params.channels }, (_, c) => (
            <tr key={c}>
              <td>{c}</td>
              {names.map((n) => (
                <td key={n}>{params[n]![c].toFixed(4)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

type ModesState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; value: TwoModes }
  | { kind: 'failed'; error: ProtocolError };

function TwoModesView({
  run,
  layer,
  params,
  dark,
}: {
  run: TrainingRun;
  layer: BnLayer;
  params: BnParams;
  dark: boolean;
}) {
  const [state, setState] = useState<ModesState>({ kind: 'idle' });
  const size = Math.min(run.config.batchSize, MAX_SAMPLES);
  const go = async () => {
    setState({ kind: 'running' });
    const client = await getEngineClient();
    const batch = await fetchBatch(client, run.config.datasetId, size);
    if (!batch.ok) return setState({ kind: 'failed', error: batch.error });
    const weights = run.results.model?.weights ?? run.weights;
    const r = await runTwoModes(client, { ...run.document, weights }, layer, params, batch.value);
    setState(r.ok ? { kind: 'done', value: r.value } : { kind: 'failed', error: r.error });
  };
  const theme = dark ? 'dark' : 'light';
  const train = SIDE_COLOR.model[theme];
  const infer = SIDE_COLOR.twin[theme];
  const v = state.kind === 'done' ? state.value : null;
  return (
    <div className="inside-modes" data-testid="bn-two-modes" data-state={state.kind}>
      <div className="inside-modes-head">
        <span className="inside-section-title">One batch, two modes</span>
        <button
          type="button"
          data-testid="bn-two-modes-run"
          disabled={state.kind === 'running'}
          onClick={() => void go()}
        >
          {state.kind === 'running' ? 'Running…' : `Run ${size} training samples`}
        </button>
      </div>
      {state.kind === 'failed' ? (
        <div className="problem-error inside-error">
          <div>{state.error.message}</div>
          {state.error.hint ? <div className="problem-hint">{state.error.hint}</div> : null}
        </div>
      ) : null}
      {v ? (
        <>
          <p className="inside-note" data-testid="bn-two-modes-note">
            Training mode normalizes with this batch’s own statistics, so each channel comes out at mean β, std ≈ |γ|.
            Inference mode uses the moving averages instead and lands{' '}
            <b>{short(meanAbsGap(v.training.mean, v.inference.mean))}</b> away in mean,{' '}
            <b>{short(meanAbsGap(v.training.std, v.inference.std))}</b> in std (average over channels) —{' '}
            {modesAgree(v)
              ? 'the moving statistics have converged.'
              : `the moving statistics have not caught up with the data yet (momentum ${layer.momentum} needs hundreds of steps).`}
          </p>
          <div className="inside-modes-charts">
            <ChannelChart
              title="output mean per channel"
              testId="bn-mode-mean"
              channels={v.training.mean.length}
              series={[
                {
                  label: 'β',
                  values: params.beta ?? new Float32Array(params.channels),
                  color: PARAM_COLOR.beta,
                  style: 'tick',
                },
                { label: 'training', values: v.training.mean, color: train, style: 'dot' },
                { label: 'inference', values: v.inference.mean, color: infer, style: 'ring' },
              ]}
            />
            <ChannelChart
              title="output std per channel"
              testId="bn-mode-std"
              channels={v.training.std.length}
              series={[
                {
                  label: 'γ',
                  values: params.gamma ? params.gamma.map(Math.abs) : new Float32Array(params.channels).fill(1),
                  color: PARAM_COLOR.gamma,
                  style: 'tick',
                },
                { label: 'training', values: v.training.std, color: train, style: 'dot' },
                { label: 'inference', values: v.inference.std, color: infer, style: 'ring' },
              ]}
            />
          </div>
          <div className="inside-legend">
            <span>
              <i className="inside-dot" style={{ background: train }} /> training mode (batch stats)
            </span>
            <span>
              <i className="inside-ring" style={{ borderColor: infer }} /> inference mode (moving stats)
            </span>
            <span>
              <i className="inside-tick" style={{ background: PARAM_COLOR.beta }} />β{' '}
              <i className="inside-tick" style={{ background: PARAM_COLOR.gamma }} />
              |γ|
            </span>
          </div>
        </>
      ) : state.kind === 'idle' ? (
        <p className="inside-note">
          Push one batch of the training data through the trained model twice, with training=True and training=False,
          and compare this layer’s output per channel.
        </p>
      ) : null}
    </div>
  );
}

export function BnInspector({ run, dark }: { run: TrainingRun; dark: boolean }) {
  const layers = useMemo(() => bnLayers(run.document), [run.document]);
  const [picked, setPicked] = useState<string | null>(null);
  const layer = layers.find((l) => l.id === picked) ?? layers[0];
  const weights = run.results.model?.weights ?? run.weights;
  const params = layer ? bnParams(weights, layer.id) : null;
  if (!layer)
    return (
      <div className="inside-empty" data-testid="bn-inspector">
        This model has no BatchNormalization layer to inspect.
      </div>
    );
  return (
    <div className="inside-bn" data-testid="bn-inspector">
      <div className="inside-bn-head">
        <span className="inside-section-title">BN inspector</span>
        <select
          className="field-input"
          data-testid="bn-layer-select"
          value={layer.id}
          onChange={(e) => setPicked(e.target.value)}
        >
          {layers.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
        {params ? <span className="inside-muted">{params.channels} channels · after training</span> : null}
      </div>
      {params ? (
        <>
          <div className="inside-params">
            {BN_PARAMS.filter((n) => params[n]).map((n) => (
              <ChannelChart
                key={n}
                title={PARAM_TITLE[n]}
                testId={`bn-param-${n}`}
                channels={params.channels}
                series={[{ label: n, values: params[n]!, color: PARAM_COLOR[n], style: 'bar' }]}
              />
            ))}
          </div>
          <ParamTable params={params} />
          <TwoModesView key={`${run.id}/${layer.id}`} run={run} layer={layer} params={params} dark={dark} />
        </>
      ) : (
        <p className="inside-note">
          {run.status === 'running' || run.status === 'stopping'
            ? 'The trained parameters appear when the run ends.'
            : 'This run ended without weights for this layer.'}
        </p>
      )}
    </div>
  );
}
