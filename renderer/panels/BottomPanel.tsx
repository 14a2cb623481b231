/** The bottom panel: Summary, Code, Problems and Train tabs. The code editor stays mounted once opened, keeping a draft. */
import { lazy, Suspense, useState, useSyncExternalStore } from 'react';
import { useCheckedInference } from './use-checked-inference';
import { useGraph } from '../stores/graph';
import { panelKind, useUi, type BottomTab } from '../stores/ui';
import { PanelSplitter, panelHeight } from './PanelSplitter';
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

const onResize = (notify: () => void) => {
  window.addEventListener('resize', notify);
  return () => window.removeEventListener('resize', notify);
};
/** The window's height, re-rendering on resize: the panel's height follows it. */
const useWindowHeight = () =>
  useSyncExternalStore(
    onResize,
    () => window.innerHeight,
    () => 0,
  );

export function BottomPanel({ dark }: { dark: boolean }) {
  const tab = useUi((s) => s.bottomTab);
  const setTab = useUi((s) => s.setBottomTab);
  const collapsed = useUi((s) => s.bottomCollapsed);
  const kind = panelKind(tab);
  const storedHeight = useUi((s) => s.panelHeights[kind]);
  // A height dragged in a taller window still leaves the canvas room in this one.
  // The training tabs' default grows with the window (PanelSplitter.tsx panelHeight).
  const windowHeight = useWindowHeight();
  const height = windowHeight ? panelHeight(kind, storedHeight, windowHeight) : storedHeight;
  const inference = useCheckedInference();
  // As in the status bar: a blank canvas is a start, so its one "no Input" problem is not counted on the tab.
  const blank = useGraph((s) => s.doc.nodes.length === 0);
  const problemCount = blank ? 0 : inference.problems.length;
  const [codeOpened, setCodeOpened] = useState(false);
  if (tab === 'code' && !codeOpened) setCodeOpened(true);
  const tabs: { id: BottomTab; label: string }[] = [
    { id: 'summary', label: 'Summary' },
    { id: 'code', label: 'Code' },
    { id: 'problems', label: `Problems${problemCount ? ` (${problemCount})` : ''}` },
    { id: 'train', label: 'Train' },
    { id: 'inside', label: 'Inside' },
    { id: 'predict', label: 'Predict' },
  ];
  return (
    <section
      className={`bottom-panel ${collapsed ? 'is-collapsed' : ''} ${kind === 'training' ? 'is-train' : ''}`}
      style={collapsed ? undefined : { height }}
      aria-label="Model details"
    >
      {collapsed ? null : <PanelSplitter kind={kind} height={height} />}
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
