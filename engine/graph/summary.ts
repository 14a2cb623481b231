/** `model.summary()` as Keras 3 prints it, and the same rows as data for the UI and `summary --json`. */
import { readableBytes, thousands } from '../core/format';
import { formatShape, type Shape } from '../core/shape';
import { columnWidths, drawTable } from './summary-table';
import type { ModelDocument } from './document';
import { infer, type Inference } from './inference';
import { isInputLayer } from '../layers/registry';
import { unitGraph, type UnitGraph } from './groups';

export interface SummaryRow {
  nodeId: string;
  name: string;
  class_name: string;
  output_shape: (number | null)[] | null;
  /** A layer with several outputs (return_state): all of them, the first being output_shape; Keras prints the list. */
  output_shapes?: (number | null)[][];
  params: number;
  /** Functional models: the layers feeding this one, as Keras's "Connected to" column names them. */
  connected_to: string[];
}

export interface Summary {
  model_name: string;
  model_class: 'Sequential' | 'Functional';
  /** Keras prints a chain (one layer per depth, one input each) without the "Connected to" column. */
  sequential_like: boolean;
  layers: SummaryRow[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
}

export function summarize(doc: ModelDocument, inference: Inference = infer(doc)): Summary {
  const sequential = inference.modelClass === 'Sequential';
  // A nested model is one row, as the outer Keras model sees it (groups.ts).
  const units = unitGraph(doc, inference);
  const unitName = (u: string) => units.groups.get(u)?.group.name ?? inference.nodes.get(u)!.name;
  const layers: SummaryRow[] = [];
  for (const u of sequential ? units.order : kerasLayerOrder(units)) {
    const connected_to = units.incoming.get(u)!.map((from) => `${unitName(from)}[0][0]`);
    const view = units.groups.get(u);
    if (view) {
      const shape = view.output ? inference.nodes.get(view.output)!.outputShape : null;
      const params = view.members.reduce((sum, id) => {
        const info = inference.nodes.get(id)!;
        return sum + info.trainableParams + info.nonTrainableParams;
      }, 0);
      const row = { nodeId: u, name: view.group.name, class_name: view.group.className, params, connected_to };
      layers.push({ ...row, output_shape: shape ? [...shape] : null });
      continue;
    }
    const info = inference.nodes.get(u)!;
    if (sequential && isInputLayer(info.className)) continue;
    layers.push({
      nodeId: u,
      name: info.name,
      class_name: info.className,
      output_shape: info.outputShape ? [...info.outputShape] : null,
      ...(info.outputShape && info.extraOutputShapes.length
        ? { output_shapes: [info.outputShape, ...info.extraOutputShapes].map((s) => [...s]) }
        : {}),
      params: info.trainableParams + info.nonTrainableParams,
      // A layer fed by another's state output (return_state) names that output: lstm[0][2].
      connected_to: (inference.topology.incoming.get(u) ?? [])
        .filter((e) => units.unitOf(e.source) !== u)
        .map((e) => {
          const from = units.unitOf(e.source);
          return `${unitName(from)}[0][${units.groups.has(from) ? 0 : (e.sourceOutput ?? 0)}]`;
        }),
    });
  }
  const sequentialLike =
    sequential || units.order.every((u) => units.incoming.get(u)!.length <= 1 && units.outgoing.get(u)!.length <= 1);
  return {
    model_name: doc.name,
    model_class: inference.modelClass,
    sequential_like: sequentialLike,
    layers,
    total_params: inference.totals.total,
    trainable_params: inference.totals.trainable,
    non_trainable_params: inference.totals.nonTrainable,
  };
}

/**
 * A functional model's layer order as Keras's `map_graph` makes it: deepest first, where a layer's depth is its
 * longest path to an output; ties in the order a depth-first walk from the outputs (inputs in order) meets them.
 * Layers that reach no output come last, in topological order. A nested model is one layer here.
 */
export function kerasLayerOrder(units: UnitGraph): string[] {
  const { incoming, outgoing } = units;
  const depth = new Map<string, number>();
  for (let k = units.order.length - 1; k >= 0; k--) {
    const id = units.order[k];
    const outs = outgoing.get(id)!;
    depth.set(id, outs.length === 0 ? 0 : Math.max(...outs.map((t) => (depth.get(t) ?? 0) + 1)));
  }
  const visit = new Map<string, number>();
  const stack = [...units.outputs].reverse();
  while (stack.length) {
    const id = stack.pop()!;
    if (visit.has(id)) continue;
    visit.set(id, visit.size);
    const ins = incoming.get(id)!;
    for (let i = ins.length - 1; i >= 0; i--) if (!visit.has(ins[i])) stack.push(ins[i]);
  }
  const reached = units.order.filter((id) => visit.has(id));
  reached.sort((a, b) => depth.get(b)! - depth.get(a)! || visit.get(a)! - visit.get(b)!);
  return [...reached, ...units.order.filter((id) => !visit.has(id))];
}

/** Keras's size of float32 weights: `40.88 KB`. */
export const readableSize = (params: number): string => readableBytes(params * 4);
export { thousands };

/** Keras's line length when printing to a file, a pipe or an 80-column terminal. */
export const SUMMARY_LINE_LENGTH = 76;

/** The text `model.summary()` prints: the model name, the box table, then the totals. */
export function formatSummary(s: Summary): string {
  const columns = s.sequential_like
    ? ['Layer (type)', 'Output Shape', 'Param #']
    : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const positions = s.sequential_like ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  const rows = s.layers.map((l) => {
    const cells = [
      `${l.name} (${l.class_name})`,
      l.output_shapes
        ? `[${l.output_shapes.map((o) => formatShape(o as Shape)).join(', ')}]`
        : l.output_shape
          ? formatShape(l.output_shape as Shape)
          : '?',
      thousands(l.params),
    ];
    if (!s.sequential_like) cells.push(l.connected_to.length ? l.connected_to.join(', ') : '-');
    return cells;
  });
  return [
    `Model: "${s.model_name}"`,
    ...drawTable(columns, rows, columnWidths(SUMMARY_LINE_LENGTH, positions), [2]),
    ` Total params: ${thousands(s.total_params)} (${readableSize(s.total_params)})`,
    ` Trainable params: ${thousands(s.trainable_params)} (${readableSize(s.trainable_params)})`,
    ` Non-trainable params: ${thousands(s.non_trainable_params)} (${readableSize(s.non_trainable_params)})`,
  ].join('\n');
}
