// Shape inference + validation of a 1,000-node graph, as it runs on every canvas edit. Goal: under 5 ms median.
// Run: npx tsx bench/inference.ts   (npm run bench runs it with the others)
import { performance } from 'node:perf_hooks';
import { graphDocument, type LayerSpec } from '../engine/graph/build';
import { infer } from '../engine/graph/inference';
import { summarize } from '../engine/graph/summary';

/** Residual blocks (Conv → BN → ReLU → Conv → BN → Add → ReLU) until the graph has `target` nodes. */
export function residualGraph(target: number) {
  const layers: LayerSpec[] = [{ className: 'InputLayer', config: { shape: [32, 32, 16] } }];
  const links: [number, number][] = [];
  let last = 0;
  const add = (spec: LayerSpec, from: number[]) => {
    layers.push(spec);
    const id = layers.length - 1;
    for (const f of from) links.push([f, id]);
    return id;
  };
  const conv = { className: 'Conv2D', config: { filters: 16, kernel_size: 3, padding: 'same', use_bias: false } };
  while (layers.length + 7 <= target - 2) {
    const c1 = add(conv, [last]);
    const b1 = add({ className: 'BatchNormalization' }, [c1]);
    const r1 = add({ className: 'ReLU' }, [b1]);
    const c2 = add(conv, [r1]);
    const b2 = add({ className: 'BatchNormalization' }, [c2]);
    const sum = add({ className: 'Add' }, [b2, last]);
    last = add({ className: 'ReLU' }, [sum]);
  }
  last = add({ className: 'GlobalAveragePooling2D' }, [last]);
  while (layers.length < target) last = add({ className: 'Dense', config: { units: 16 } }, [last]);
  return graphDocument(layers, links, 'bench');
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runInferenceBench() {
  const doc = residualGraph(1000);
  for (let i = 0; i < 30; i++) infer(doc); // warm-up: let the JIT settle
  const inferTimes: number[] = [];
  const summaryTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const inf = infer(doc);
    const t1 = performance.now();
    summarize(doc, inf);
    summaryTimes.push(performance.now() - t1);
    inferTimes.push(t1 - t0);
    if (inf.errorCount) throw new Error(`bench graph has errors: ${inf.problems[0].message}`);
  }
  const p95 = [...inferTimes].sort((a, b) => a - b)[Math.floor(inferTimes.length * 0.95)];
  const result = {
    nodes: doc.nodes.length,
    edges: doc.edges.length,
    median_ms: median(inferTimes),
    p95_ms: p95,
    summary_median_ms: median(summaryTimes),
    goal_ms: 5,
  };
  console.log(
    `inference + validation, ${result.nodes} nodes / ${result.edges} edges: median ${result.median_ms.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms (goal < 5 ms: ${result.median_ms < 5 ? 'met' : 'NOT met'}); summary ${result.summary_median_ms.toFixed(2)} ms`,
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) runInferenceBench();
