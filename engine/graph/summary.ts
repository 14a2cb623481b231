/** `model.summary()` as Keras 3 prints it, and the same rows as data for the UI and `summary --json`. */
import { readableBytes, thousands } from '../core/format';
import { formatShape, type Shape } from '../core/shape';
import type { ModelDocument } from './document';
import { infer, type Inference } from './inference';

export interface SummaryRow {
  nodeId: string;
  name: string;
  class_name: string;
  output_shape: (number | null)[] | null;
  params: number;
  /** Functional models: the layers feeding this one, as Keras's "Connected to" column names them. */
  connected_to: string[];
}

export interface Summary {
  model_name: string;
  model_class: 'Sequential' | 'Functional';
  layers: SummaryRow[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
}

export function summarize(doc: ModelDocument, inference: Inference = infer(doc)): Summary {
  const sequential = inference.modelClass === 'Sequential';
  const layers: SummaryRow[] = [];
  for (const id of inference.order) {
    const info = inference.nodes.get(id)!;
    if (sequential && info.className === 'InputLayer') continue;
    layers.push({
      nodeId: id,
      name: info.name,
      class_name: info.className,
      output_shape: info.outputShape ? [...info.outputShape] : null,
      params: info.trainableParams + info.nonTrainableParams,
      connected_to: inference.topology.incoming.get(id)!.map((e) => `${inference.nodes.get(e.source)!.name}[0][0]`),
    });
  }
  return {
    model_name: doc.name,
    model_class: inference.modelClass,
    layers,
    total_params: inference.totals.total,
    trainable_params: inference.totals.trainable,
    non_trainable_params: inference.totals.nonTrainable,
  };
}

/** Keras's size of float32 weights: `40.88 KB`. */
export const readableSize = (params: number): string => readableBytes(params * 4);
export { thousands };

/** The text table, box-drawn like Keras 3's rich output. */
export function formatSummary(s: Summary): string {
  const functional = s.model_class === 'Functional';
  const header = functional ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const rows = s.layers.map((l) => {
    const cells = [`${l.name} (${l.class_name})`, l.output_shape ? formatShape(l.output_shape as Shape) : '?', thousands(l.params)];
    if (functional) cells.push(l.connected_to.length ? l.connected_to.join(', ') : '-');
    return cells;
  });
  const minWidths = functional ? [30, 22, 11, 22] : [31, 22, 13];
  const widths = header.map((h, i) => Math.max(minWidths[i], h.length, ...rows.map((r) => r[i].length)));
  const rightAligned = (i: number) => i === 2;
  const cell = (text: string, i: number) => ` ${rightAligned(i) ? text.padStart(widths[i]) : text.padEnd(widths[i])} `;
  const rule = (l: string, m: string, r: string, h: string) => l + widths.map((w) => h.repeat(w + 2)).join(m) + r;
  const out = [`Model: "${s.model_name}"`, rule('┏', '┳', '┓', '━'), '┃' + header.map(cell).join('┃') + '┃', rule('┡', '╇', '┩', '━')];
  rows.forEach((r, k) => {
    out.push('│' + r.map(cell).join('│') + '│');
    out.push(k === rows.length - 1 ? rule('└', '┴', '┘', '─') : rule('├', '┼', '┤', '─'));
  });
  if (rows.length === 0) out.push(rule('└', '┴', '┘', '─'));
  out.push(` Total params: ${thousands(s.total_params)} (${readableSize(s.total_params)})`);
  out.push(` Trainable params: ${thousands(s.trainable_params)} (${readableSize(s.trainable_params)})`);
  out.push(` Non-trainable params: ${thousands(s.non_trainable_params)} (${readableSize(s.non_trainable_params)})`);
  return out.join('\n');
}
