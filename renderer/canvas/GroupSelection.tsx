/** "Group into a model": the selected layers become one nested Functional model (one undo step), or it says why not. */
import { Panel } from '@xyflow/react';
import { groupIntoModel, infer } from '../../engine/api/graph';
import { useGraph } from '../stores/graph';
import { useUi } from '../stores/ui';

export function GroupSelection() {
  const selected = useUi((s) => s.selectedNodes);
  if (selected.length === 0) return null;
  const group = () => {
    const graph = useGraph.getState();
    const made = groupIntoModel(graph.doc, infer(graph.doc), useUi.getState().selectedNodes);
    if ('refusal' in made) {
      useUi.getState().notify(made.refusal, 'error');
      return;
    }
    graph.commit(() => made.doc);
  };
  return (
    <Panel position="top-right">
      <button
        type="button"
        className="group-selection"
        data-testid="group-selection"
        title="Make the selected layers one nested Functional model (one tensor in, one out)"
        onClick={group}
      >
        Group into a model
      </button>
    </Panel>
  );
}
