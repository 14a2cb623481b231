/**
 * "Group into a model": the selected layers become one nested Functional model (one undo step), or it says why not.
 * It floats just above the selection (React Flow's NodeToolbar over the selected nodes' bounds) and only when two or
 * more layers are selected, so it never covers the empty canvas where layers are dropped. Below the selection when
 * there is no room above it (a selection at the canvas's top edge), pinned to the canvas's top when neither fits.
 */
import { NodeToolbar, Panel, Position, useReactFlow, useStore, useViewport } from '@xyflow/react';
import { groupIntoModel, infer } from '../../engine/api/graph';
import { useGraph } from '../stores/graph';
import { useUi } from '../stores/ui';

export function GroupSelection() {
  const selected = useUi((s) => s.selectedNodes);
  const flow = useReactFlow();
  const viewport = useViewport();
  const paneHeight = useStore((s) => s.height);
  if (selected.length < 2) return null;
  const bounds = flow.getNodesBounds(selected);
  const top = bounds.y * viewport.zoom + viewport.y;
  const bottom = (bounds.y + bounds.height) * viewport.zoom + viewport.y;
  const room = 40;
  const group = () => {
    const graph = useGraph.getState();
    const made = groupIntoModel(graph.doc, infer(graph.doc), useUi.getState().selectedNodes);
    if ('refusal' in made) {
      useUi.getState().notify(made.refusal, 'error');
      return;
    }
    graph.commit(() => made.doc);
  };
  const button = (
    <button
      type="button"
      className="group-selection"
      data-testid="group-selection"
      title="Make the selected layers one nested Functional model (one tensor in, one out)"
      onClick={group}
    >
      Group into a model
    </button>
  );
  if (top >= room)
    return (
      <NodeToolbar nodeId={selected} isVisible position={Position.Top} offset={8}>
        {button}
      </NodeToolbar>
    );
  if (bottom + room <= paneHeight) {
    return (
      <NodeToolbar nodeId={selected} isVisible position={Position.Bottom} offset={8}>
        {button}
      </NodeToolbar>
    );
  }
  return <Panel position="top-center">{button}</Panel>;
}
