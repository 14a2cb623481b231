/** Shape rules shared by the 2-D convolution and pooling layers (channels_last). */
import type { LayerIssue } from '../core/problems';
import { convOutputLength, formatShape, type Shape } from '../core/shape';
import { tupleText } from './fields';
import type { Padding } from '../kernels/types';
import type { OutputShapeResult } from './types';

/** The config fields every 2-D convolution shares, once checked. */
export interface ConvWindowConfig {
  readonly kernel_size: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilation_rate: [number, number];
}

/** A 2-D layer needs (batch, height, width, channels). */
export function expectImage(className: string, input: Shape): LayerIssue | null {
  if (input.length === 4) return null;
  const flat = input.length === 2;
  return {
    code: 'expects-4d-input',
    message: `${className} expects a 4-D input (batch, height, width, channels), got ${formatShape(input)}`,
    hint: flat
      ? 'it is fed a flat vector: move it before Flatten, or add a Reshape to (height, width, channels) first'
      : 'feed it an image-shaped tensor, e.g. from an Input with shape (28, 28, 1)',
  };
}

export interface WindowSpec {
  /** The config key named in messages: `kernel_size` or `pool_size`. */
  key: string;
  size: number[];
  strides: number[];
  padding: 'valid' | 'same';
  dilation?: number[];
}

/** Output height and width of a sliding window, or the issue when 'valid' leaves nothing. */
export function windowOutput(
  className: string,
  input: Shape,
  w: WindowSpec,
): [number | null, number | null] | LayerIssue {
  const hw = [input[1], input[2]];
  const dilation = w.dilation ?? [1, 1];
  const effective = w.size.map((k, i) => dilation[i] * (k - 1) + 1);
  if (w.padding === 'valid') {
    const tooBig = hw.some((d, i) => d !== null && effective[i] > d);
    if (tooBig) {
      const what = dilation.some((d) => d > 1)
        ? `${w.key} ${tupleText(w.size)} dilated by ${tupleText(dilation)} spans ${tupleText(effective)}, which`
        : `${w.key} ${tupleText(w.size)}`;
      return {
        code: w.key === 'pool_size' ? 'pool-larger-than-input' : 'kernel-larger-than-input',
        message: `${what} is larger than the input (${hw.map((d) => (d === null ? 'None' : d)).join(', ')}) with padding='valid': the output would be empty`,
        hint: `use padding='same', a smaller ${w.key}, or fewer shrinking layers before ${className}`,
      };
    }
  }
  return [0, 1].map((i) => convOutputLength(hw[i], w.size[i], w.strides[i], w.padding, dilation[i])) as [
    number | null,
    number | null,
  ];
}

export function stridesWithDilation(strides: number[], dilation: number[]): LayerIssue[] {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1))
    return [
      {
        code: 'strides-and-dilation',
        message: `strides ${tupleText(strides)} > 1 cannot be combined with dilation_rate ${tupleText(dilation)} > 1`,
        hint: 'Keras refuses this: keep strides at (1, 1) or dilation_rate at (1, 1)',
      },
    ];
  return [];
}

export function knownChannels(className: string, input: Shape): number | LayerIssue {
  const c = input[input.length - 1];
  if (c === null)
    return {
      code: 'unknown-channels',
      message: `${className} needs to know the number of channels, but the input's last axis is None in ${formatShape(input)}`,
      hint: 'give the Input a fixed last dimension',
    };
  return c;
}

/**
 * The output shape of a 2-D convolution (Conv2D, DepthwiseConv2D, SeparableConv2D): checks the input is an image
 * with known channels, slides `kernel_size` with the config's strides, padding and dilation, and asks the layer how
 * many channels come out (or why they can't).
 */
export function convOutputShape(
  className: string,
  config: ConvWindowConfig,
  input: Shape,
  outChannels: (inChannels: number) => number | LayerIssue,
): OutputShapeResult {
  const bad = expectImage(className, input);
  if (bad) return bad;
  const c = knownChannels(className, input);
  if (typeof c !== 'number') return c;
  const channels = outChannels(c);
  if (typeof channels !== 'number') return channels;
  const hw = windowOutput(className, input, {
    key: 'kernel_size',
    size: config.kernel_size,
    strides: config.strides,
    padding: config.padding,
    dilation: config.dilation_rate,
  });
  if (!Array.isArray(hw)) return hw;
  return [input[0], ...hw, channels];
}
