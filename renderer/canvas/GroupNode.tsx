/** A nested model: a frame around its layers with a collapse toggle, or collapsed, one node for all of them. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { thousands, ungroupModel } from '../../engine/api/graph';
import { setGroupCollapsed } from '../stores/edits';
import { useGraph } from '../stores/graph';
import { GROUP_INPUT, GROUP_OUTPUT, type GroupFlowNode } from './groups';

function GroupNodeView({ id, data }: NodeProps<GroupFlowNode>) {
  const toggle = () => useGraph.getState().commit((d) => setGroupCollapsed(d, id, !data.collapsed));
  return (
    <div className={`group-node${data.collapsed ? ' is-collapsed' : ''}`} data-testid={`group-${data.name}`}>
      {data.collapsed ? <Handle type="target" position={Position.Top} id={GROUP_INPUT} isConnectable={false} /> : null}
      <div className="group-node-head">
        <button
          type="button"
          className="group-node-toggle nodrag"
          data-testid={`group-toggle-${data.name}`}
          aria-expanded={!data.collapsed}
          title={
            data.collapsed ? `Show the ${data.layers} layers of ${data.name}` : `Collapse ${data.name} into one node`
          }
          onClick={(e) => {
            e.stopPropagation();
            toggle();
          }}
        >
          {data.collapsed ? '▸' : '▾'}
        </button>
        <button
          type="button"
          className="group-node-ungroup nodrag"
          data-testid={`group-ungroup-${data.name}`}
          title={`Ungroup ${data.name}: its layers back in the model around it`}
          onClick={(e) => {
            e.stopPropagation();
            useGraph.getState().commit((d) => ungroupModel(d, id));
          }}
        >
          ⤫
        </button>
        <span className="group-node-name">{data.name}</span>
        <span className="group-node-class">({data.className})</span>
      </div>
      {data.collapsed ? (
        <div className="group-node-facts">
          <span className="mono">{data.shape}</span>
          <span className="mono">{thousands(data.params)} params</span>
          <span>
            {data.layers} layer{data.layers === 1 ? '' : 's'}
          </span>
        </div>
      ) : null}
      {data.collapsed ? (
        <Handle type="source" position={Position.Bottom} id={GROUP_OUTPUT} isConnectable={false} />
      ) : null}
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
