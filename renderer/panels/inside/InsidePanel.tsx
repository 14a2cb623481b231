/**
 * Inside the network: how each layer's output mean and std move while the model trains (beside its BN-free twin in
 * a comparison), and the BatchNormalization inspector. Shows the run selected in the Train tab; it updates live as
 * the engine streams statistics.
 */
import { useMemo } from 'react';
import { useTraining } from '../../stores/training';
import { BnInspector } from './BnInspector';
import { SIDE_COLOR } from './canvas';
import { layerTracks } from './layer-tracks';
import { StatsGrid } from './StatsGrid';
import './inside.css';

export function InsidePanel({ dark }: { dark: boolean }) {
  const runs = useTraining((s) => s.runs);
  const selectedId = useTraining((s) => s.selectedId);
  const run = runs.find((r) => r.id === selectedId) ?? runs[0];
  const tracks = useMemo(() => (run ? layerTracks(run.stats, run.compareBn) : null), [run]);
  if (!run || !tracks)
    return (
      <div className="inside" data-testid="inside-panel" data-dark={dark}>
        <div className="inside-empty">Train a model in the Train tab (or compare it with and without BN) to see inside it here.</div>
      </div>
    );
  const theme = dark ? 'dark' : 'light';
  const live = run.status === 'running' || run.status === 'stopping';
  return (
    <div className="inside" data-testid="inside-panel" data-dark={dark}>
      <div className="inside-stats">
        <div className="inside-head">
          <span className="inside-section-title">Layer outputs during training</span>
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
          What to look for: without BN the deeper layers’ distributions drift as the weights change; BN pins its output near β ± γ, so the layers after it see a steady
          input.
        </p>
        {tracks.steps.length ? (
          <StatsGrid tracks={tracks} dark={dark} />
        ) : (
          <div className="inside-empty">{live ? 'The first statistics arrive after the first batch…' : 'This run recorded no layer statistics.'}</div>
        )}
      </div>
      <BnInspector key={run.id} run={run} dark={dark} />
    </div>
  );
}
