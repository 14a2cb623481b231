/** What inference learns about one node; apart from inference.ts so advice.ts can read it without a cycle. */
import type { Problem } from '../core/problems';
import type { Shape } from '../core/shape';
import type { WeightSpec } from '../layers/types';

export interface NodeInfo {
  id: string;
  className: string;
  /** The user's name or Keras's automatic one. */
  name: string;
  inputShapes: (Shape | null)[];
  /** Null when the node has an error, or an input upstream does. */
  outputShape: Shape | null;
  /** The shapes of the outputs after the first (an RNN's return_state states); empty for most layers. */
  extraOutputShapes: Shape[];
  weights: WeightSpec[];
  trainableParams: number;
  nonTrainableParams: number;
  problems: Problem[];
}
