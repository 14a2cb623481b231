/** The one node component: every layer is drawn from its registry entry and its inference result. */
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef, useState } from 'react';
import type { Problem } from '../../engine/api/core';
import { thousands } from '../../engine/api/graph';
import { FixButtons } from './FixButtons';
import { outputHandle, type LayerFlowNode } from './to-flow';

/** The problems popover's width in px, as styles.css draws it (.node-problems). */
const POPOVER_WIDTH = 260;

function ProblemBadge({ kind, problems }: { kind: 'error' | 'warning'; problems: Problem[] }) {
  // Where the popover opens: below the badge, or above it for a node in the canvas's lower half (below, it ran past
  // the canvas's bottom edge, hiding its fix buttons).
  const [open, setOpen] = useState<false | 'down' | 'up'>(false);
  const [rightwards, setRightwards] = useState(false);
  const wrap = useRef<HTMLSpanElement>(null);
  // A press anywhere else (the canvas, another layer, a tab) or Escape closes it: left open, it outlived the model it
  // was about, and the next model's layer with the same id opened on a click as closed.
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('pointerdown', outside, true);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside, true);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  // Its problems fixed, it closes for good rather than reopening with the next problem.
  useEffect(() => {
    if (problems.length === 0) setOpen(false);
  }, [problems.length]);
  if (problems.length === 0) return null;
  const text = problems.map((p) => `${p.message}${p.hint ? ` — ${p.hint}` : ''}`).join('\n');
  return (
    <span className="node-badge-wrap" ref={wrap}>
      <button
        type="button"
        className={`node-badge node-badge-${kind} nodrag`}
        data-testid={`node-${kind}`}
        title={text}
        aria-label={`${problems.length} ${kind}${problems.length > 1 ? 's' : ''}: ${text}`}
        onClick={(e) => {
          e.stopPropagation();
          const badge = e.currentTarget.getBoundingClientRect();
          const canvas = e.currentTarget.closest('.canvas')?.getBoundingClientRect();
          const up = canvas ? badge.top - canvas.top > canvas.height / 2 : false;
          // It hangs leftwards from the badge, or rightwards where that would run past the canvas's left edge.
          setRightwards(canvas ? badge.right - canvas.left < POPOVER_WIDTH + 12 : false);
          setOpen((o) => (o ? false : up ? 'up' : 'down'));
        }}
      >
        <span aria-hidden="true">{kind === 'error' ? '✖' : '▲'}</span>
        {problems.length > 1 ? <span className="node-badge-count">{problems.length}</span> : null}
      </button>
      {open ? (
        <div
          className={`node-problems node-problems-${kind} node-problems-${open}${rightwards ? ' node-problems-rightwards' : ''} nodrag nowheel`}
          role="tooltip"
          data-testid={`node-${kind}-details`}
        >
          {problems.map((p, i) => (
            <div key={i} className="node-problem">
              <div className="node-problem-message">{p.message}</div>
              {p.hint ? <div className="node-problem-hint">{p.hint}</div> : null}
              <FixButtons problem={p} onApplied={() => setOpen(false)} />
            </div>
          ))}
        </div>
      ) : null}
    </span>
  );
}

/** A class name that may wrap between its words (Batch·Normalization) when drawn large at low zoom. */
function breakable(name: string) {
  return name.split(/(?=[A-Z][a-z])/).map((part, i) => (
    <span key={i}>
      {i ? <wbr /> : null}
      {part}
    </span>
  ));
}

/**
 * An RNN's return_state states, each its own output handle along the bottom right of the node (Keras's outputs 1,
 * 2 …), labelled with its shape; the first output keeps the centre handle.
 */
function StateOutputs({ shapes }: { shapes: string[] }) {
  return (
    <>
      <div className="layer-node-states" title="the last states (return_state): outputs 1, 2 …">
        {shapes.map((shape, i) => (
          <span key={i} title={`output ${i + 1}: the last state`} data-testid={`node-state-${i + 1}`}>
            [{i + 1}] {shape}
          </span>
        ))}
      </div>
      {shapes.map((_, i) => (
        <Handle
          key={i}
          type="source"
          position={Position.Bottom}
          id={outputHandle(i + 1)}
          className="layer-handle layer-handle-state"
          style={{ left: `${70 + (i * 25) / shapes.length}%` }}
        />
      ))}
    </>
  );
}

function LayerNodeView({ id, data, selected }: NodeProps<LayerFlowNode>) {
  // React Flow measures a node's handles once; a node that gains or loses state outputs (return_state toggled, or
  // an import that reuses the id) has it measure them again, or edges from them can't be drawn or started. Not on
  // mount, which React Flow measures anyway: a second measurement per node cost NASNetMobile's 771 layers 5 s on
  // opening, and every layer scrolled into view during a pan.
  const updateInternals = useUpdateNodeInternals();
  const outputs = data.extraOutputs.length;
  const measuredOutputs = useRef(outputs);
  useEffect(() => {
    if (measuredOutputs.current === outputs) return;
    measuredOutputs.current = outputs;
    updateInternals(id);
  }, [id, outputs, updateInternals]);
  const errors = data.problems.filter((p) => p.severity === 'error');
  const warnings = data.problems.filter((p) => p.severity === 'warning');
  const state = errors.length ? 'has-error' : warnings.length ? 'has-warning' : '';
  return (
    <div
      className={`layer-node group-${data.group.toLowerCase()} ${state} ${selected ? 'is-selected' : ''}`}
      data-testid={`node-${data.className}`}
      title={data.description}
    >
      {data.hasInput ? <Handle type="target" position={Position.Top} id="in" className="layer-handle" /> : null}
      <div className="layer-node-head">
        <span className="layer-node-class" title={`${data.className} ${data.name}`}>
          {breakable(data.label)}
        </span>
        <span className="layer-node-badges">
          <ProblemBadge kind="error" problems={errors} />
          <ProblemBadge kind="warning" problems={warnings} />
        </span>
      </div>
      <div className="layer-node-line">
        <span className="layer-node-name" data-testid="node-name">
          {data.name}
        </span>
        {data.keyArgs ? (
          <span className="layer-node-args" data-testid="node-args">
            {data.keyArgs}
          </span>
        ) : null}
      </div>
      {data.inputOrder && data.inputOrder.length ? (
        <ol className="layer-node-inputs" aria-label="inputs in order">
          {data.inputOrder.map((name, i) => (
            <li key={i}>{name}</li>
          ))}
        </ol>
      ) : null}
      <div className="layer-node-foot">
        <span className="layer-node-shape" data-testid="node-shape">
          {data.shape}
        </span>
        <span className="layer-node-params" data-testid="node-params" title="parameters">
          {thousands(data.params)} params
        </span>
      </div>
      <Handle type="source" position={Position.Bottom} id={outputHandle()} className="layer-handle" />
      {data.extraOutputs.length ? <StateOutputs shapes={data.extraOutputs} /> : null}
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
