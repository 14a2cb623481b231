/** The canvas's connection check: the model's rules (engine/graph/connection.ts), asked while an edge is dragged. */
import type { IsValidConnection } from '@xyflow/react';
import { connectionRefusal } from '../../engine/api/graph';
import { useGraph } from '../stores/graph';
import { outputOfHandle } from './to-flow';

/** React Flow's check while a connection is dragged; module scope so the canvas never sees a new function. */
export const isValidConnection: IsValidConnection = (c) =>
  connectionRefusal(useGraph.getState().doc, c.source, c.target, outputOfHandle(c.sourceHandle)) === null;
