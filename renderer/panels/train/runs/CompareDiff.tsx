/**
 * The left column while two runs are compared: final metrics side by side, then what differs in the settings and
 * in the graphs they trained (their start-time snapshots).
 */
import { useMemo } from 'react';
import { diffGraphs, diffSettings, isSameGraph, type GraphDiff } from '../../../../engine/api/train';
import type { TrainingRun } from '../../../stores/training';
import { fixed, percent, seconds } from '../format';
import { finalMetrics } from '../../../stores/series';
import { comparedModels, comparedSettings, type ComparedModel } from './compare';
import { useCompare } from './compare-store';

/** A quick spirals run trains in tens of milliseconds, which seconds would round to nothing. */
const duration = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

function Swatch({ model, dark }: { model: ComparedModel; dark: boolean }) {
  return (
    <span className="compare-swatch" style={{ background: model.color[dark ? 'dark' : 'light'] }} aria-hidden="true" />
  );
}

function Metrics({ models, dark }: { models: ComparedModel[]; dark: boolean }) {
  const rows: { label: string; value: (m: ComparedModel) => string }[] = [
    { label: 'loss', value: (m) => fixed(finalMetrics(m.run.series[m.label]).loss) },
    { label: 'accuracy', value: (m) => percent(finalMetrics(m.run.series[m.label]).accuracy) },
    { label: 'val accuracy', value: (m) => percent(finalMetrics(m.run.series[m.label]).valAccuracy) },
    { label: 'test accuracy', value: (m) => percent(m.run.results[m.label]?.testAccuracy ?? null) },
    { label: 'time', value: (m) => (m.run.results[m.label] ? duration(m.run.results[m.label].elapsedMs) : '–') },
  ];
  return (
    <table className="compare-table" data-testid="compare-metrics">
      <thead>
        <tr>
          <th />
          {models.map((m) => (
            <th key={`${m.run.id}/${m.label}`}>
              <Swatch model={m} dark={dark} />
              {m.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th>{r.label}</th>
            {models.map((m) => (
              <td key={`${m.run.id}/${m.label}`}>{r.value(m)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function GraphChanges({ diff }: { diff: GraphDiff }) {
  if (isSameGraph(diff)) return <p className="compare-same">Same graph.</p>;
  return (
    <ul className="compare-list" data-testid="compare-graph-diff">
      {diff.model.map((c) => (
        <li key={`model-${c.key}`}>
          model {c.key}: {c.a} → {c.b}
        </li>
      ))}
      {diff.removed.map((l) => (
        <li key={`r-${l.id}`} className="compare-removed">
          − {l.name} <span className="compare-muted">{l.className}</span>
        </li>
      ))}
      {diff.added.map((l) => (
        <li key={`a-${l.id}`} className="compare-added">
          + {l.name} <span className="compare-muted">{l.className}</span>
        </li>
      ))}
      {diff.changed.map((c) => (
        <li key={`c-${c.a.id}`}>
          ~ {c.b.name}:{' '}
          {c.config.map((v, i) => (
            <span key={v.key}>
              {i ? ', ' : ''}
              {v.key} {v.a} → {v.b}
            </span>
          ))}
        </li>
      ))}
      {diff.connectionsRemoved.map((e) => (
        <li key={`er-${e.from}-${e.to}`} className="compare-removed">
          − {e.from} → {e.to}
        </li>
      ))}
      {diff.connectionsAdded.map((e) => (
        <li key={`ea-${e.from}-${e.to}`} className="compare-added">
          + {e.from} → {e.to}
        </li>
      ))}
    </ul>
  );
}

export function CompareDiff({ runs, dark }: { runs: [TrainingRun, TrainingRun]; dark: boolean }) {
  const [a, b] = runs;
  const models = useMemo(() => comparedModels(runs), [runs]);
  const settings = useMemo(() => diffSettings(comparedSettings(a), comparedSettings(b)), [a, b]);
  const graph = useMemo(() => diffGraphs(a.document, b.document), [a, b]);
  return (
    <div className="train-settings compare-diff" data-testid="compare-diff">
      <div className="compare-diff-head">
        <b>
          #{a.number} vs #{b.number}
        </b>
        <button
          type="button"
          data-testid="compare-close"
          onClick={() => useCompare.getState().clear()}
          title="Back to the training settings"
        >
          Close
        </button>
      </div>
      <div className="compare-section">Final metrics</div>
      <Metrics models={models} dark={dark} />
      <div className="compare-section">Settings</div>
      {settings.length === 0 ? (
        <p className="compare-same">Same settings.</p>
      ) : (
        <table className="compare-table" data-testid="compare-settings-diff">
          <thead>
            <tr>
              <th />
              <th>#{a.number}</th>
              <th>#{b.number}</th>
            </tr>
          </thead>
          <tbody>
            {settings.map((d) => (
              <tr key={d.key} data-testid="compare-setting" data-key={d.key}>
                <th>{d.label}</th>
                <td>{d.a}</td>
                <td>{d.b}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="compare-section">
        Graph (#{a.number} → #{b.number})
      </div>
      <GraphChanges diff={graph} />
    </div>
  );
}
