/**
 * Inside the network: how each layer's output mean and std move while the model trains (beside its BN-free twin in
 * a comparison), and the BatchNormalization inspector. Shows the newest completed run unless the user picks
 * another (a run in flight among them, which updates live as the engine streams statistics).
 */
import { useMemo } from 'react';
import { useInside } from '../../stores/inside';
import { newestCompleted, useTraining, type TrainingRun } from '../../stores/training';
import { BnInspector } from './BnInspector';
import { SIDE_COLOR } from './canvas';
import { layerTracks } from './layer-tracks';
import { StatsGrid } from './StatsGrid';
import './inside.css';

const STATUS_TEXT: Record<TrainingRun['status'], string> = {
  running: 'training, live',
  stopping: 'stopping',
  completed: 'completed',
  stopped: 'stopped',
  failed: 'failed',
};

function RunPicker({
  runs,
  value,
  newest,
  onPick,
}: {
  runs: readonly TrainingRun[];
  value: string;
  newest: TrainingRun | undefined;
  onPick(id: string): void;
}) {
  return (
    <select
      className="field-input inside-run"
      data-testid="inside-run"
      value={value}
      aria-label="Run shown"
      onChange={(e) => onPick(e.target.value)}
    >
      <option value="newest">{newest ? `Newest completed (#${newest.number})` : 'Newest completed (none yet)'}</option>
      {runs.map((r) => (
        <option key={r.id} value={r.id}>
          Run #{r.number} ({STATUS_TEXT[r.status]})
        </option>
      ))}
    </select>
  );
}

export function InsidePanel({ dark }: { dark: boolean }) {
  const runs = useTraining((s) => s.runs);
  const { runFrom, setRunFrom } = useInside();
  const newest = newestCompleted(runs);
  // With nothing completed yet, the newest run (perhaps the one training) is all there is to show.
  const run = (runFrom === 'newest' ? newest : runs.find((r) => r.id === runFrom)) ?? newest ?? runs[0];
  const tracks = useMemo(() => (run ? layerTracks(run.stats, run.compareBn) : null), [run]);
  if (!run || !tracks)
    return (
      <div className="inside" data-testid="inside-panel" data-dark={dark}>
        <div className="inside-empty">
          Train a model in the Train tab (or compare it with and without BN) to see inside it here.
        </div>
      </div>
    );
  const theme = dark ? 'dark' : 'light';
  const live = run.status === 'running' || run.status === 'stopping';
  return (
    <div className="inside" data-testid="inside-panel" data-dark={dark}>
      <div className="inside-stats">
        <div className="inside-head">
          <span className="inside-section-title">Layer outputs during training</span>
          <RunPicker
            runs={runs}
            value={runFrom === 'newest' || !runs.some((r) => r.id === runFrom) ? 'newest' : runFrom}
            newest={newest}
            onPick={setRunFrom}
          />
          <span className="inside-muted">
            run #{run.number} · {run.datasetTitle}
            {live ? ' · live' : ''}
          </span>
          <span className="inside-legend">
            <span>
              <i className="inside-swatch" style={{ background: SIDE_COLOR.model[theme] }} />
              {run.compareBn ? 'with BN' : 'mean'}
            </span>
            {run.compareBn ? (
              <span>
                <i className="inside-swatch" style={{ background: SIDE_COLOR.twin[theme] }} />
                without BN
              </span>
            ) : null}
            <span className="inside-muted">line: mean · band: ± std</span>
          </span>
        </div>
        <p className="inside-note">
          What to look for: without BN the deeper layers’ distributions drift as the weights change; BN pins its output
          near β ± γ, so the layers after it see a steady input.
        </p>
        {tracks.steps.length ? (
          <StatsGrid tracks={tracks} dark={dark} />
        ) : (
          <div className="inside-empty">
            {live ? 'The first statistics arrive after the first batch…' : 'This run recorded no layer statistics.'}
          </div>
        )}
      </div>
      <BnInspector key={run.id} run={run} dark={dark} />
    </div>
  );
}
