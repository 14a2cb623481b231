/** The middle column while two runs are compared: who is who, then both runs' curves overlaid on each chart. */
import { useMemo } from 'react';
import type { TrainingRun } from '../../../stores/training';
import { Chart } from '../Chart';
import { chartData } from '../../../stores/series';
import { compareCurves, comparedModels } from './compare';

export function CompareCharts({ runs, dark }: { runs: [TrainingRun, TrainingRun]; dark: boolean }) {
  const models = useMemo(() => comparedModels(runs), [runs]);
  const curves = useMemo(() => compareCurves(models), [models]);
  const loss = useMemo(() => chartData(curves, 'loss'), [curves]);
  const accuracy = useMemo(() => chartData(curves, 'accuracy'), [curves]);
  return (
    <div className="train-main" data-testid="compare-view">
      <div className="train-status compare-head" data-testid="compare-head">
        <b>Comparing</b>
        {models.map((m) => (
          <span key={`${m.run.id}/${m.label}`} className="compare-who">
            <span
              className="compare-swatch"
              style={{ background: m.color[dark ? 'dark' : 'light'] }}
              aria-hidden="true"
            />
            {m.name}
          </span>
        ))}
        <span className="compare-hint">· untick a run in the list to stop comparing</span>
      </div>
      <div className="train-charts">
        <Chart
          metric="loss"
          data={loss}
          dark={dark}
          testId="chart-loss"
          loss={runs[0].config.loss === runs[1].config.loss ? runs[0].config.loss : undefined}
        />
        <Chart metric="accuracy" data={accuracy} dark={dark} testId="chart-accuracy" />
      </div>
    </div>
  );
}
