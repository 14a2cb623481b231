/**
 * The one schema of a ModelDocument (document.ts) in memory: the engine protocol checks documents with it, and the
 * project file checks each node and edge it reads with the same node and edge schemas. Weights are float32
 * tensors whose data length is the product of their shape.
 */
import { z } from 'zod';
import type { ModelDocument } from './document';

export const float32 = z.instanceof(Float32Array, { message: 'expected a Float32Array' });

/** The most values one tensor may hold: 2^31 - 1, past what a Float32Array of any engine can be. */
const MAX_TENSOR_VALUES = 2 ** 31 - 1;

export const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
export const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** A shape and its data, whose length must be the product of the shape (row-major float32). */
export function exactTensor(dims: { positive: boolean; minRank: number }) {
  const dim = dims.positive ? z.number().int().positive() : z.number().int().nonnegative();
  return z.object({ shape: z.array(dim).min(dims.minRank), data: float32 }).superRefine((t, ctx) => {
    const size = product(t.shape);
    const shape = shapeText(t.shape);
    if (size > MAX_TENSOR_VALUES) {
      const message = `shape ${shape} holds ${size} values, more than a tensor can`;
      ctx.addIssue({ code: 'custom', path: ['shape'], message });
    } else if (t.data.length !== size) {
      const message = `${t.data.length} values, but shape ${shape} needs ${size}`;
      ctx.addIssue({ code: 'custom', path: ['data'], message });
    }
  });
}

/** One layer: its id, class, name, config and canvas position (zod's numbers are finite). */
export const nodeSchema = z.object({
  id: z.string().min(1),
  className: z.string().min(1),
  name: z.string().optional(),
  // Values are checked per layer by inference, which reports bad ones as problems on the node.
  config: z.record(z.string(), z.unknown()),
  position: z.object({ x: z.number(), y: z.number() }).optional(),
  group: z.string().min(1).optional(),
});

/** A nested sub-model (document.ts DocGroup). */
export const groupSchema = z.object({
  id: z.string().min(1),
  className: z.enum(['Sequential', 'Functional']),
  name: z.string().min(1),
  collapsed: z.boolean().optional(),
  parent: z.string().min(1).optional(),
});

/** One connection, by node ids. */
export const edgeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  /** Which of the source's outputs (an RNN's return_state states: 1, 2 …); absent for the first. */
  sourceOutput: z.number().int().min(1).max(64).optional(),
});

const documentShape = z.object({
  name: z.string(),
  modelClass: z.enum(['auto', 'Sequential', 'Functional']).optional(),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
  groups: z.array(groupSchema).optional(),
  weights: z
    .record(z.string(), z.array(z.object({ name: z.string(), tensor: exactTensor({ positive: false, minRank: 0 }) })))
    .optional(),
});

/**
 * Checked for structure here; each layer's config is checked by inference, which reports bad values as problems.
 * Typed as the engine's ModelDocument so callers pass documents straight through.
 */
export const documentSchema = documentShape as unknown as z.ZodType<ModelDocument, ModelDocument>;
