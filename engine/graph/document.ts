/** The model document: what the canvas edits, the formats read and write, and inference checks. */
import type { LayerConfig } from '../layers/types';
import type { Tensor } from '../core/tensor';

export interface DocNode {
  /** Stable id, unique in the document; never shown to the user (layer names are). */
  id: string;
  /** Keras class name, e.g. `Conv2D`. */
  className: string;
  /** The layer's name when the user (or an imported file) gave one; otherwise Keras's automatic name is used. */
  name?: string;
  /** The layer's config in Keras snake_case, every field present (defaults filled in). */
  config: LayerConfig;
  /** Canvas position; absent in documents made from files without one. */
  position?: { x: number; y: number };
  /** The id of the innermost nested sub-model (a DocGroup) this layer belongs to, if any. */
  group?: string;
}

/**
 * A nested Keras model (a Sequential or Functional used as a layer of the outer model). The executable graph stays
 * flat: its layers are ordinary nodes that name the group, so shapes, training and the engine see one graph; the
 * summary lists the group as one row, the exports write it back as a sub-model, and the canvas draws it as a frame.
 * Its input layers are not nodes: the tensors that fed the sub-model feed its first layers directly.
 */
export interface DocGroup {
  id: string;
  className: 'Sequential' | 'Functional';
  /** The sub-model's name, unique among the outer model's layer names. */
  name: string;
  /** Drawn as one node on the canvas. */
  collapsed?: boolean;
  /** The group this sub-model is a layer of, when it is nested in another nested model (absent: the outer model). */
  parent?: string;
}

/** A tensor flowing from `source`'s output to one input of `target`. Merge inputs keep the edges' order. */
export interface DocEdge {
  id: string;
  source: string;
  target: string;
  /**
   * Which of the source's outputs the edge carries, as Keras indexes a layer's output tensors (`["lstm", 0, 1]`):
   * 1, 2 … for an RNN's return_state states; absent for the first (and only, for most layers).
   */
  sourceOutput?: number;
}

export interface ModelDocument {
  /** The Keras model name (`sequential`, `functional`, or the user's). */
  name: string;
  /**
   * How Keras code builds it. `auto` (or absent): Sequential when the graph is a single chain, functional otherwise.
   * A functional model that happens to be a chain stays functional (its summary lists the InputLayer row).
   */
  modelClass?: 'auto' | 'Sequential' | 'Functional';
  nodes: DocNode[];
  edges: DocEdge[];
  /** Nested sub-models, each used once; their layers name them in `DocNode.group`. */
  groups?: DocGroup[];
  /** Trained or imported weights by node id, each list in Keras's weight order. */
  weights?: Record<string, NamedWeight[]>;
}

export interface NamedWeight {
  name: string;
  tensor: Tensor;
}

export function emptyDocument(name = 'model'): ModelDocument {
  return { name, nodes: [], edges: [] };
}

let counter = 0;
/** A short id unique within a session (documents from files keep theirs). */
export function newId(prefix = 'n'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}`;
}
