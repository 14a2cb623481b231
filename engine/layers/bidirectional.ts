/**
 * Keras 3.15's Bidirectional wrapper around an LSTM or GRU: the wrapped layer reads the sequence forwards, a copy of
 * it with go_backwards flipped reads it backwards, and their outputs merge (concat, sum, mul or ave). With
 * return_sequences the backward copy's steps, which come out last to first, are flipped back before merging, as
 * keras/src/layers/rnn/bidirectional.py does. The node's config is the wrapped layer's, plus `layer` (its class) and
 * `merge_mode`, so the inspector edits the LSTM or GRU in place; the formats nest it back under `layer`.
 */
import type { Tensor } from '../core/tensor';
import type { LayerIssue } from '../core/problems';
import { defineLayer } from './define';
import { joinArgs } from './fields';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { recurrentFields, recurrentOutputShape, reverseSteps } from './recurrent';
import type { ForwardCache, LayerConfig, LayerDefinition, WeightMap, WeightSpec } from './types';

const WRAPPABLE: Readonly<Record<string, LayerDefinition>> = { LSTM, GRU };
const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'] as const;
type Direction = 'forward' | 'backward';
const DIRECTIONS: readonly Direction[] = ['forward', 'backward'];

/** The wrapped layer's own config, read off the node's; the backward copy reads last to first (go_backwards). */
function innerConfig(config: LayerConfig, direction: Direction): { def: LayerDefinition; config: LayerConfig } {
  const def = WRAPPABLE[config.layer as string];
  const inner: LayerConfig = {};
  for (const key of Object.keys(def.fields)) inner[key] = config[key];
  if (direction === 'backward') inner.go_backwards = true;
  return { def, config: inner };
}

/** One direction's weights by the wrapped layer's names (`forward_kernel` → `kernel`). */
function directionWeights(w: WeightMap, direction: Direction): WeightMap {
  const prefix = `${direction}_`;
  return Object.fromEntries(
    Object.entries(w)
      .filter(([name]) => name.startsWith(prefix))
      .map(([name, t]) => [name.slice(prefix.length), t]),
  );
}

/** The fields of one wrappable layer only. */
const recurrentExtras = {
  unit_forget_bias: {
    type: 'bool',
    default: true,
    advanced: true,
    doc: 'LSTM only: start the forget gate’s bias at 1, so the cell keeps its state early in training.',
  },
} as const;

interface Saved {
  /** Each direction's output as the wrapped layer gave it (the backward one in its own step order), and its cache. */
  outputs: [Tensor, Tensor];
  saved: [unknown, unknown];
  /** The backward output in the forward step order, as merged. */
  backwardAligned: Tensor;
}

export const Bidirectional = defineLayer({
  className: 'Bidirectional',
  group: 'Recurrent',
  description: 'Runs an LSTM or GRU over the sequence forwards and a copy of it backwards, and merges the two outputs.',
  details:
    'The inspector edits the wrapped layer. merge_mode concat doubles the output features (2·units); sum, mul and ' +
    'ave keep units. Parameters: twice the wrapped layer’s (forward_… and backward_… weights).',
  arity: 'one',
  keras: {
    args: ['layer', 'merge_mode', 'weights', 'backward_layer'],
    config: ['merge_mode', 'layer', 'backward_layer'],
    callKwargs: { mask: null },
    weightsIn: ['forward_layer/cell', 'backward_layer/cell'],
    wraps: { field: 'layer', classes: Object.keys(WRAPPABLE) },
  },
  fields: {
    layer: {
      type: 'enum',
      options: ['LSTM', 'GRU'],
      default: 'LSTM',
      required: true,
      doc: 'The recurrent layer to run in both directions.',
    },
    merge_mode: {
      type: 'enum',
      options: MERGE_MODES,
      default: 'concat',
      doc: 'How the two directions’ outputs combine: concat (features side by side), sum, mul or ave.',
    },
    ...recurrentFields,
    // Required of the wrapped layer's call, not of the wrapper's.
    units: { ...recurrentFields.units, required: false },
    ...recurrentExtras,
  },
  validate(config): LayerIssue[] {
    // Keras makes the backward copy with go_backwards=True, so a wrapped layer that already reads backwards fails.
    if (config.go_backwards)
      return [
        {
          code: 'bad-config',
          message: 'the wrapped layer has go_backwards=True: Bidirectional’s backward copy already reads backwards',
          hint: 'set go_backwards to False; the backward direction is the wrapper’s',
        },
      ];
    if (config.return_state)
      return [
        {
          code: 'bad-config',
          message: 'Bidirectional with return_state=True is not supported: its states are four or two more outputs',
          hint: 'set return_state to False, or use two LSTM or GRU layers (one with go_backwards) with return_state',
        },
      ];
    return WRAPPABLE[config.layer].validate?.(innerConfig(config, 'forward').config) ?? [];
  },
  // A field the wrapped layer lacks (GRU has no unit_forget_bias) means nothing: it is kept at its default.
  normalize(config) {
    const wrapped = WRAPPABLE[config.layer as string];
    if (!wrapped) return config;
    const out = { ...config };
    for (const [key, spec] of Object.entries(recurrentExtras)) if (!(key in wrapped.fields)) out[key] = spec.default;
    return out;
  },
  outputShape(config, [input]) {
    const shape = recurrentOutputShape('Bidirectional', config, [input]);
    if (!Array.isArray(shape) || config.merge_mode !== 'concat') return shape;
    return [...shape.slice(0, -1), 2 * config.units];
  },
  weights(config, inputs) {
    return DIRECTIONS.flatMap((direction) => {
      const { def, config: inner } = innerConfig(config, direction);
      return (def.weights?.(inner, inputs) ?? []).map((w): WeightSpec => ({ ...w, name: `${direction}_${w.name}` }));
    });
  },
  keyArgs: (config) =>
    joinArgs(
      `${String(config.layer)} ${String(config.units)}`,
      String(config.merge_mode),
      config.return_sequences === true && 'sequences',
    ),
  forward(ctx, config, inputs, w) {
    const runs = DIRECTIONS.map((direction) => {
      const { def, config: inner } = innerConfig(config, direction);
      return def.forward!(ctx, inner, inputs, directionWeights(w, direction));
    });
    const [yf, yb] = runs.map((r) => r.output);
    const ybAligned = config.return_sequences ? reverseSteps(ctx, yb) : yb;
    // The merges on the backend's kernels (float32, as Keras merges the two directions).
    const b = ctx.backend;
    const merged = {
      concat: () => b.concat([yf, ybAligned], -1),
      sum: () => b.add(yf, ybAligned),
      ave: () => b.merge('average', yf, ybAligned),
      mul: () => b.merge('multiply', yf, ybAligned),
    }[config.merge_mode]();
    const saved: Saved = { outputs: [yf, yb], saved: [runs[0].saved, runs[1].saved], backwardAligned: ybAligned };
    return { output: merged, saved };
  },
  backward(ctx, config, dy, cache) {
    const s = cache.saved as Saved;
    const [yf] = s.outputs;
    const b = ctx.backend;
    const [dyf, dybAligned] = {
      concat: () => b.concatGrad(dy, [yf.shape, s.backwardAligned.shape], -1),
      sum: () => [dy, dy],
      ave: () => b.mergeGrad('average', dy, yf, s.backwardAligned),
      mul: () => b.mergeGrad('multiply', dy, yf, s.backwardAligned),
    }[config.merge_mode]();
    const dyb = config.return_sequences ? reverseSteps(ctx, dybAligned) : dybAligned;
    const weights: Record<string, Float32Array> = {};
    let dx: Tensor | undefined;
    DIRECTIONS.forEach((direction, k) => {
      const { def, config: inner } = innerConfig(config, direction);
      const innerCache: ForwardCache = {
        ...cache,
        weights: directionWeights(cache.weights, direction),
        output: s.outputs[k],
        saved: s.saved[k],
      };
      const r = def.backward!(ctx, inner, k === 0 ? dyf : dyb, innerCache);
      for (const [name, g] of Object.entries(r.weights ?? {})) weights[`${direction}_${name}`] = g;
      const g = r.inputs[0];
      if (g) dx = dx ? b.add(dx, g) : g;
    });
    return { inputs: dx ? [dx] : [], weights };
  },
});
