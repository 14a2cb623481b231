/** The bottom panel: Summary, Code, Problems and Train tabs. The code editor stays mounted once opened, keeping a draft. */
import { lazy, Suspense, useState } from 'react';
import { useInference } from '../stores/inference';
import { useUi, type BottomTab } from '../stores/ui';
import { ProblemsPanel } from './ProblemsPanel';
import { SummaryPanel } from './SummaryPanel';

// Monaco is most of the bundle: it loads apart from the first paint, fetched once the window is idle so the Code
// tab opens at once.
const loadCodeView = () => import('./code/CodeView');
const CodeView = lazy(() => loadCodeView().then((m) => ({ default: m.CodeView })));
// The training panels (and uPlot) likewise load after the first paint.
const loadTrainPanels = () => import('./train-panels');
const TrainPanel = lazy(() => loadTrainPanels().then((m) => ({ default: m.TrainPanel })));
const InsidePanel = lazy(() => loadTrainPanels().then((m) => ({ default: m.InsidePanel })));
const PredictPanel = lazy(() => loadTrainPanels().then((m) => ({ default: m.PredictPanel })));
if (typeof window !== 'undefined') {
  const idle = window.requestIdleCallback ?? ((f: () => void) => window.setTimeout(f, 1500));
  idle(() => void loadTrainPanels().then(loadCodeView));
}

export function BottomPanel({ dark }: { dark: boolean }) {
  const tab = useUi((s) => s.bottomTab);
  const setTab = useUi((s) => s.setBottomTab);
  const collapsed = useUi((s) => s.bottomCollapsed);
  const inference = useInference();
  const [codeOpened, setCodeOpened] = useState(false);
  if (tab === 'code' && !codeOpened) setCodeOpened(true);
  const tabs: { id: BottomTab; label: string }[] = [
    { id: 'summary', label: 'Summary' },
    { id: 'code', label: 'Code' },
    { id: 'problems', label: `Problems${inference.problems.length ? ` (${inference.problems.length})` : ''}` },
    { id: 'train', label: 'Train' },
    { id: 'inside', label: 'Inside' },
    { id: 'predict', label: 'Predict' },
  ];
  return (
    <section className={`bottom-panel ${collapsed ? 'is-collapsed' : ''} ${tab === 'train' || tab === 'inside' || tab === 'predict' ? 'is-train' : ''}`} aria-label="Model details">
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id && !collapsed}
            className={tab === t.id && !collapsed ? 'is-active' : ''}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
        <button
          type="button"
          className="panel-toggle"
          data-testid="bottom-toggle"
          aria-expanded={!collapsed}
          title={collapsed ? 'Show the panel' : 'Hide the panel: more room for the canvas'}
          onClick={() => useUi.getState().toggleBottom()}
        >
          {collapsed ? '▴ Show' : '▾ Hide'}
        </button>
      </div>
      <div className="tab-body" hidden={collapsed}>
        {tab === 'summary' ? <SummaryPanel /> : null}
        {tab === 'problems' ? <ProblemsPanel /> : null}
        <Suspense fallback={<div className="code-loading">Loading…</div>}>
          {tab === 'train' ? <TrainPanel dark={dark} /> : null}
          {tab === 'inside' ? <InsidePanel dark={dark} /> : null}
          {tab === 'predict' ? <PredictPanel dark={dark} /> : null}
        </Suspense>
        {codeOpened ? (
          <div className="tab-code" hidden={tab !== 'code'}>
            <Suspense fallback={<div className="code-loading">Loading editor…</div>}>
              <CodeView dark={dark} />
            </Suspense>
          </div>
        ) : null}
      </div>
    </section>
  );
}
