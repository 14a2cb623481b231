/** The Keras `model.summary()` table, live; clicking a row selects its layer. */
import { useReactFlow } from '@xyflow/react';
import { memo, useCallback, useMemo } from 'react';
import { formatShape, type Shape } from '../../engine/api/core';
import { readableBytes } from '../../engine/api/core';
import { estimateResources } from '../../engine/api/graph';
import { readableSize, summarize, thousands } from '../../engine/api/graph';
import { useGraph } from '../stores/graph';
import { useInference } from '../stores/inference';
import { useUi } from '../stores/ui';

const MEMORY_TITLE = 'Float32, as the engine computes; checked against the memory budget before every run';

type Summary = ReturnType<typeof summarize>;

/**
 * One row per layer, memo'd apart from the panel: dragging a layer changes the document on every frame, which
 * re-renders the panel, but not the summary, the selection or the click handler these rows are drawn from (a
 * 429-layer DenseNet121 redrew every row on every frame of a drag).
 */
const SummaryRows = memo(function SummaryRows({
  layers,
  functional,
  selected,
  pick,
}: {
  layers: Summary['layers'];
  functional: boolean;
  selected: readonly string[];
  pick: (id: string) => void;
}) {
  return (
    <tbody>
      {layers.map((l) => (
        <tr
          key={l.nodeId}
          className={selected.includes(l.nodeId) ? 'is-selected' : ''}
          data-testid={`summary-row-${l.name}`}
          onClick={() => pick(l.nodeId)}
          tabIndex={0}
          onKeyDown={(e) => e.key === 'Enter' && pick(l.nodeId)}
        >
          <td>
            {l.name} <span className="summary-type">({l.class_name})</span>
          </td>
          <td className="mono">
            {l.output_shapes
              ? `[${l.output_shapes.map((s) => formatShape(s as Shape)).join(', ')}]`
              : l.output_shape
                ? formatShape(l.output_shape as Shape)
                : '?'}
          </td>
          <td className="num mono">{thousands(l.params)}</td>
          {functional ? <td className="mono">{l.connected_to.length ? l.connected_to.join(', ') : '-'}</td> : null}
        </tr>
      ))}
    </tbody>
  );
});

export function SummaryPanel() {
  const doc = useGraph((s) => s.doc);
  const inference = useInference();
  const selected = useUi((s) => s.selectedNodes);
  const { getNode, setCenter, getZoom } = useReactFlow();
  // A drag makes a new document each frame with the same name, groups and inference: the summary stays. Grouping or
  // ungrouping layers changes the rows (a nested model is one) but not the inference.
  const summary = useMemo(() => summarize(doc, inference), [doc.name, doc.groups, inference]); // eslint-disable-line react-hooks/exhaustive-deps
  const functional = summary.model_class === 'Functional';
  // The estimate the engine checks before it runs (graph/resources.ts), at Keras's fit defaults: batch 32, Adam.
  const memory = useMemo(
    () =>
      inference.errorCount === 0
        ? {
            predict: estimateResources(inference, { mode: 'predict', batchSize: 32 }),
            train: estimateResources(inference, { mode: 'train', batchSize: 32, optimizer: { name: 'adam' } }),
          }
        : null,
    [inference],
  );

  const pick = useCallback(
    (id: string) => {
      useUi.getState().select([id]);
      const n = getNode(id);
      if (n)
        setCenter(n.position.x + (n.measured?.width ?? 200) / 2, n.position.y + (n.measured?.height ?? 90) / 2, {
          zoom: Math.max(getZoom(), 0.8),
          duration: 200,
        });
    },
    [getNode, setCenter, getZoom],
  );

  return (
    <div className="summary" data-testid="summary">
      <div className="summary-head">
        Model: "{summary.model_name}" <span className="summary-class">{summary.model_class}</span>
      </div>
      <table className="summary-table">
        <thead>
          <tr>
            <th>Layer (type)</th>
            <th>Output Shape</th>
            <th className="num">Param #</th>
            {functional ? <th>Connected to</th> : null}
          </tr>
        </thead>
        <SummaryRows layers={summary.layers} functional={functional} selected={selected} pick={pick} />
      </table>
      <div className="summary-foot">
        <div className="summary-totals">
          <span>
            Total params: <b data-testid="summary-total-params">{thousands(summary.total_params)}</b> (
            {readableSize(summary.total_params)})
          </span>
          <span>
            Trainable params: <b data-testid="summary-trainable-params">{thousands(summary.trainable_params)}</b> (
            {readableSize(summary.trainable_params)})
          </span>
          <span>
            Non-trainable params:{' '}
            <b data-testid="summary-non-trainable-params">{thousands(summary.non_trainable_params)}</b> (
            {readableSize(summary.non_trainable_params)})
          </span>
        </div>
      </div>
      {memory ? (
        <div className="summary-totals" data-testid="summary-memory" title={MEMORY_TITLE}>
          <span>
            Memory, batch of 32: predict <b>{readableBytes(memory.predict.totalBytes)}</b>
          </span>
          <span>
            train with Adam <b>{readableBytes(memory.train.totalBytes)}</b> (weights{' '}
            {readableBytes(memory.train.weightBytes)}, gradients and optimizer state{' '}
            {readableBytes(memory.train.gradientBytes + memory.train.optimizerBytes)}, activations{' '}
            {readableBytes(memory.train.activationBytes)})
          </span>
        </div>
      ) : null}
    </div>
  );
}
