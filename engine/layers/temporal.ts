/**
 * Shape rules and lifting shared by the 1-D (temporal) layers, channels_last: (batch, steps, channels). Their
 * math is the 2-D layers' on a (batch, 1, steps, channels) image, as TensorFlow runs Conv1D, so they share the
 * 2-D kernels (fast ones included) and their gradients.
 */
import type { LayerIssue } from '../core/problems';
import { convOutputLength, formatShape, type Shape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import type { FieldSpec } from './types';
import { reshape } from './run-helpers';

/** A 1-D layer needs (batch, steps, channels). */
export function expectSequence(className: string, input: Shape): LayerIssue | null {
  if (input.length === 3) return null;
  return {
    code: 'expects-3d-input',
    message: `${className} expects a 3-D input (batch, steps, channels), got ${formatShape(input)}`,
    hint:
      input.length === 2
        ? 'it is fed one vector per sample: add a Reshape to (steps, channels), or an Embedding for token ids'
        : 'feed it a sequence, e.g. from an Input with shape (steps, channels)',
  };
}

/** A 1-tuple field: Keras stores `kernel_size=3` as `[3]`. */
export const single = (
  def: number | null,
  doc: string,
  extra: Partial<{ required: boolean; nullable: boolean; advanced: boolean }> = {},
): FieldSpec => ({
  type: 'ints',
  length: 1,
  default: def === null ? null : [def],
  min: 1,
  doc,
  ...extra,
});

/** Output steps of a 1-D window, or the issue when 'valid' leaves nothing. 'causal' pads the start only. */
export function stepsOutput(
  className: string,
  input: Shape,
  w: { key: string; size: number; stride: number; padding: string; dilation?: number },
): number | null | LayerIssue {
  const steps = input[1];
  const dilation = w.dilation ?? 1;
  const span = dilation * (w.size - 1) + 1;
  if (w.padding === 'valid' && steps !== null && span > steps)
    return {
      code: w.key === 'pool_size' ? 'pool-larger-than-input' : 'kernel-larger-than-input',
      message: `${w.key} (${w.size},)${dilation > 1 ? ` dilated by ${dilation} spans ${span}, which` : ''} is larger than the input's ${steps} steps with padding='valid': the output would be empty`,
      hint: `use padding='same', a smaller ${w.key}, or a longer sequence before ${className}`,
    };
  return convOutputLength(steps, w.size, w.stride, w.padding === 'valid' ? 'valid' : 'same', dilation);
}

/** (batch, steps, channels) as the (batch, 1, steps, channels) image the 2-D kernels take. */
export const asImage = (t: Tensor): Tensor => reshape(t, [t.shape[0], 1, t.shape[1], t.shape[2]]);

/** Back from (batch, 1, steps, channels). */
export const asSequence = (t: Tensor): Tensor => reshape(t, [t.shape[0], t.shape[2], t.shape[3]]);
