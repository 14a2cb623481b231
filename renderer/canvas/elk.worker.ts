/** ELK's layered layout off the main thread: a big model (NASNetMobile, 771 layers) lays out while the page stays live. */
import ELK from 'elkjs/lib/elk.bundled.js';

const elk = new ELK();

self.onmessage = async (event: MessageEvent<{ id: number; graph: Parameters<typeof elk.layout>[0] }>) => {
  const { id, graph } = event.data;
  try {
    self.postMessage({ id, graph: await elk.layout(graph) });
  } catch (e) {
    self.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
