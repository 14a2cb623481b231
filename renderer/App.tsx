/** The editor window: top bar, palette | canvas | inspector, the bottom panel and the status bar. */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useState, useSyncExternalStore } from 'react';
import { confirmDiscard, openHostFile, runMenuCommand, toggleTheme } from './actions/document-actions';
import { addLayer } from './actions/edit-actions';
import { handleClipboardEvent, handleShortcut } from './actions/shortcuts';
import { registerCanvasView } from './actions/view';
import { Canvas } from './canvas/Canvas';
import { preloadLayout } from './canvas/layout';
import { BottomPanel } from './panels/BottomPanel';
import { KernelsWarning } from './panels/KernelsWarning';
import { Inspector } from './panels/inspector/Inspector';
import { Palette } from './panels/Palette';
import { RecoveryPrompt } from './panels/RecoveryPrompt';
import { StatusBar } from './panels/StatusBar';
import { fitViewport } from './canvas/fit';
import { TopBar } from './panels/TopBar';
import { watchEngineKernels } from './services/engine-kernels';
import { getHost } from './services/host-instance';
import { isDirty, useGraph } from './stores/graph';
import { useUi } from './stores/ui';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');
function usePrefersDark(): boolean {
  return useSyncExternalStore(
    (notify) => {
      const q = darkQuery();
      q.addEventListener('change', notify);
      return () => q.removeEventListener('change', notify);
    },
    () => darkQuery().matches,
  );
}

/** The startup file is asked for once per page, however often the editor mounts. */
let startupFileAsked = false;

function Editor() {
  const prefersDark = usePrefersDark();
  const theme = useUi((s) => s.theme);
  const dark = theme === 'dark' || (theme === 'system' && prefersDark);
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const rf = useReactFlow();
  const empty = useGraph((s) => s.doc.nodes.length === 0);

  // A layout effect: it runs before any component's passive effects, so charts built on a theme change read that
  // theme's colours (their effects ran first, and drew dark-theme charts with the light grid, before).
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [dark]);

  // The desktop host gives the choice to the window's native parts (menus, dialogs, title bar).
  useEffect(() => getHost().setTheme?.(theme), [theme]);

  useEffect(() => {
    registerCanvasView({
      fitView: () => {
        const nodes = rf.getNodes();
        const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
        if (nodes.length === 0 || !pane) return void rf.fitView({ padding: 0.08, maxZoom: 1 });
        void rf.setViewport(fitViewport(rf.getNodesBounds(nodes), pane, nodes.length));
      },
      viewport: () => rf.getViewport(),
      setViewport: (v) => void rf.setViewport(v),
      sizes: () => {
        const m = new Map<string, { width: number; height: number }>();
        for (const n of rf.getNodes())
          if (n.measured?.width && n.measured.height)
            m.set(n.id, { width: n.measured.width, height: n.measured.height });
        return m;
      },
      reveal: (id) => {
        const n = rf.getNode(id);
        const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
        if (!n || !pane) return;
        const w = n.measured?.width ?? 0;
        const h = n.measured?.height ?? 0;
        const a = rf.flowToScreenPosition(n.position);
        const b = rf.flowToScreenPosition({ x: n.position.x + w, y: n.position.y + h });
        // Pan just enough (plus a margin), so the rest of the model moves as little as possible.
        const margin = 24;
        const shift = (lo: number, hi: number, min: number, max: number) =>
          lo < min + margin ? min + margin - lo : hi > max - margin ? max - margin - hi : 0;
        const dx = shift(a.x, b.x, pane.left, pane.right);
        const dy = shift(a.y, b.y, pane.top, pane.bottom);
        if (dx === 0 && dy === 0) return;
        const vp = rf.getViewport();
        void rf.setViewport({ x: vp.x + dx, y: vp.y + dy, zoom: vp.zoom }, { duration: 200 });
      },
    });
    return () => registerCanvasView(null);
  }, [rf]);

  useEffect(() => {
    window.addEventListener('keydown', handleShortcut);
    const clipboardEvents = ['copy', 'cut', 'paste'] as const;
    for (const type of clipboardEvents) document.addEventListener(type, handleClipboardEvent);
    return () => {
      window.removeEventListener('keydown', handleShortcut);
      for (const type of clipboardEvents) document.removeEventListener(type, handleClipboardEvent);
    };
  }, []);

  // The host learns the title and dirty flag; files and menu commands come back from it.
  const fileName = useUi((s) => s.file?.name);
  const docName = useGraph((s) => s.doc.name);
  const title = fileName ?? docName;
  const dirty = useGraph(isDirty);
  useEffect(() => {
    getHost().setDocumentState({ title, dirty });
  }, [title, dirty]);

  const onMenu = useCallback(
    (command: Parameters<typeof runMenuCommand>[0]) =>
      runMenuCommand(command, { prefersDark, openTemplates: () => setTemplatesOpen(true) }),
    [prefersDark],
  );
  useEffect(() => {
    const host = getHost();
    const offs = [
      host.onOpenFile((file) => {
        if (confirmDiscard()) void openHostFile(file);
      }),
      host.onMenuCommand(onMenu),
      host.onEngineStatus((status) => {
        useUi.getState().setEngine(status);
        // A crash or a hang is news: say what happened (and which request it took down) where notices go.
        const news =
          status.state === 'failed' ||
          (status.state === 'restarting' && status.cause !== undefined && status.cause !== 'requested');
        if (news && status.message) useUi.getState().notify(status.message, 'error');
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [onMenu]);

  // `layercanvas serve model.py` (and `npm start -- model.py`): the model opens once the editor is up.
  useEffect(() => {
    if (startupFileAsked) return;
    startupFileAsked = true;
    void getHost()
      .startupFile?.()
      .then((file) => (file ? openHostFile(file) : false))
      .catch((err: unknown) =>
        useUi
          .getState()
          .notify(
            `Could not open the model given to serve: ${err instanceof Error ? err.message : String(err)}`,
            'error',
          ),
      );
  }, []);

  useEffect(preloadLayout, []);
  useEffect(watchEngineKernels, []);

  // Inference and export run in the page; the engine port serves training and prediction, so its state is shown.
  useEffect(() => {
    getHost()
      .connectEngine()
      .catch((err: unknown) =>
        useUi.getState().setEngine({ state: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
  }, []);

  return (
    <div className="app">
      <TopBar
        dark={dark}
        onToggleTheme={() => toggleTheme(prefersDark)}
        templatesOpen={templatesOpen}
        setTemplatesOpen={setTemplatesOpen}
      />
      <div className="workspace">
        <Palette onAdd={addLayer} />
        <main className="canvas-wrap">
          <Canvas dark={dark} />
          {empty ? (
            <div className="canvas-empty" data-testid="canvas-empty">
              <p>
                Drag an <b>Input</b> from the palette to start,
              </p>
              <p>
                or pick a template under <b>New</b>.
              </p>
            </div>
          ) : null}
        </main>
        <Inspector />
      </div>
      <BottomPanel dark={dark} />
      <KernelsWarning />
      <StatusBar />
      <RecoveryPrompt />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}
