/**
 * Which kernels the engine runs, from the engine's own report: asked each time an engine becomes ready (a restarted
 * engine may load differently), forgotten while it restarts. The status bar shows it; on the reference kernels the
 * page warns with the engine's reason and fix.
 */
import { useUi } from '../stores/ui';
import { getEngineClient, getHost } from './host-instance';

export function watchEngineKernels(): () => void {
  let asked = 0;
  return getHost().onEngineStatus((status) => {
    if (status.state !== 'ready') {
      useUi.getState().setKernels(null);
      return;
    }
    const ask = ++asked;
    void getEngineClient()
      .then((client) => client.request('kernels', {}))
      .then((answer) => {
        if (ask === asked && answer.ok) useUi.getState().setKernels(answer.value);
      })
      .catch(() => {
        // The engine went away again; its next 'ready' asks anew.
      });
  });
}
