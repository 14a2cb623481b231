/**
 * An edge labelled with the tensor shape it carries. A connection that would run through other layers (a residual
 * shortcut beside a chain) or back upwards detours to their right, so skip connections stay visible.
 */
import { BaseEdge, getSmoothStepPath, useStore, useStoreApi, type EdgeProps, type ReactFlowState } from '@xyflow/react';
import { memo, useMemo } from 'react';

/** How far right of the layers in the way a detour runs, and how far it leaves and enters its handles. */
const DETOUR_MARGIN = 36;
const STUB = 14;
const CORNER = 8;
/** A gap between layers narrower than twice this is not used as a lane. */
const GAP_PADDING = 6;

type Point = [number, number];

/** Where a detour runs: right of what a straight path would cross (or of both ends, for an upward edge); null when clear. */
function detourLane(
  s: ReactFlowState,
  source: string,
  target: string,
  sx: number,
  sy: number,
  tx: number,
  ty: number,
): number | null {
  // Only a target really above the source needs a detour: a short gap (nodes grown by semantic zoom) stays straight.
  const upward = ty < sy;
  if (!upward && ty - sy < 60) return null;
  const left = Math.min(sx, tx);
  const right = Math.max(sx, tx);
  const top = Math.min(sy, ty);
  const bottom = Math.max(sy, ty);
  let blockedTo: number | null = null;
  for (const n of s.nodeLookup.values()) {
    const { x, y } = n.internals.positionAbsolute;
    const w = n.measured.width ?? 0;
    const h = n.measured.height ?? 0;
    const isEnd = n.id === source || n.id === target;
    if (!upward && isEnd) continue;
    if (!isEnd && (y + h < top || y > bottom || x > right || x + w < left)) continue;
    blockedTo = Math.max(blockedTo ?? -Infinity, x + w);
  }
  if (blockedTo === null) return null;
  return freeLane(s, blockedTo, top - STUB, bottom + STUB);
}

/**
 * The x of a vertical run right of `from` that crosses no layer between `top` and `bottom`: a margin away when
 * that is clear, else the middle of the gap before the layer in the way, else past that layer.
 */
function freeLane(s: ReactFlowState, from: number, top: number, bottom: number): number {
  let edge = from;
  for (let guard = 0; guard < 50; guard++) {
    const lane = edge + DETOUR_MARGIN;
    // Layers between `edge` and the lane, in the detour's height: the lane must pass before or after them.
    let hitLeft = Infinity;
    let hitRight = -Infinity;
    for (const n of s.nodeLookup.values()) {
      const { x, y } = n.internals.positionAbsolute;
      const w = n.measured.width ?? 0;
      const h = n.measured.height ?? 0;
      if (x <= lane && x + w > edge && y + h >= top && y <= bottom) {
        hitLeft = Math.min(hitLeft, x);
        hitRight = Math.max(hitRight, x + w);
      }
    }
    if (hitLeft === Infinity) return lane;
    if (hitLeft - edge >= 2 * GAP_PADDING) return (edge + hitLeft) / 2;
    edge = hitRight;
  }
  return edge + DETOUR_MARGIN;
}

/** An orthogonal path through the points with rounded corners. */
function roundedPath(points: Point[]): string {
  const parts = [`M ${points[0][0]} ${points[0][1]}`];
  for (let i = 1; i < points.length - 1; i++) {
    const [ax, ay] = points[i - 1];
    const [px, py] = points[i];
    const [bx, by] = points[i + 1];
    const r1 = Math.min(CORNER, Math.hypot(px - ax, py - ay) / 2);
    const r2 = Math.min(CORNER, Math.hypot(bx - px, by - py) / 2);
    const inX = px - Math.sign(px - ax) * r1;
    const inY = py - Math.sign(py - ay) * r1;
    const outX = px + Math.sign(bx - px) * r2;
    const outY = py + Math.sign(by - py) * r2;
    parts.push(`L ${inX} ${inY}`, `Q ${px} ${py} ${outX} ${outY}`);
  }
  const last = points[points.length - 1];
  parts.push(`L ${last[0]} ${last[1]}`);
  return parts.join(' ');
}

function ShapeEdgeView(props: EdgeProps) {
  const { id, source, target, sourceY, targetY, sourcePosition, targetPosition, label, style, markerEnd, selected } =
    props;
  // Connections sharing a handle fan out beside it (to-flow.ts fanOffsets), so each stays visible and clickable.
  const fan = props.data as { sx?: number; tx?: number } | undefined;
  const sourceX = props.sourceX + (fan?.sx ?? 0);
  const targetX = props.targetX + (fan?.tx ?? 0);
  // The detour depends on where the layers are, not on the view: recomputed when nodes change, never while panning
  // or zooming (a store selector would rerun this O(layers) search for every edge on every frame of a pan).
  const nodes = useStore((s) => s.nodes);
  const store = useStoreApi();
  // biome-ignore lint/correctness/useExhaustiveDependencies: nodes stands for the layer positions detourLane reads
  const lane = useMemo(
    () => detourLane(store.getState(), source, target, sourceX, sourceY, targetX, targetY),
    [store, nodes, source, target, sourceX, sourceY, targetX, targetY],
  );
  let path: string;
  let labelX: number;
  let labelY: number;
  if (lane !== null) {
    const x = lane;
    const y1 = sourceY + STUB;
    const y2 = targetY - STUB;
    path = roundedPath([
      [sourceX, sourceY],
      [sourceX, y1],
      [x, y1],
      [x, y2],
      [targetX, y2],
      [targetX, targetY],
    ]);
    // Beside the detour, not on it: the line runs close to the layers it avoids.
    labelX = x + 52;
    labelY = (y1 + y2) / 2;
  } else {
    [path, labelX, labelY] = getSmoothStepPath({
      sourceX,
      sourceY,
      sourcePosition,
      targetX,
      targetY,
      targetPosition,
      borderRadius: CORNER,
    });
  }
  return (
    <BaseEdge
      id={id}
      path={path}
      label={label}
      labelX={labelX}
      labelY={labelY}
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
      style={selected ? { ...style, strokeWidth: 2 } : style}
      markerEnd={markerEnd}
      interactionWidth={16}
    />
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
