import type { Tensor } from '../core/tensor';
import type { LstmSequenceOutput } from '../kernels/types';
import { defineLayer } from './define';
import { joinArgs } from './fields';
import {
  act,
  actGrad,
  addColumnSums,
  addInto,
  addRowVector,
  columns,
  sequenceActivations,
  mat,
  recurrentArgs,
  recurrentConfig,
  recurrentFields,
  recurrentOutput,
  reverseSteps,
  recurrentOutputShape,
  stateShapes,
  dropoutMasks,
  type DropoutMasks,
  inputProjection,
  initialState,
  inputSideGradients,
  maskedGateMatMul,
  maskedGateMatMulGrad,
  setColumns,
  setStep,
  step,
  stepGradients,
} from './recurrent';
import type { WeightSpec } from './types';

/** One step's values that backpropagation through time needs (the loop with other activations). */
interface Step {
  hPrev: Tensor;
  cPrev: Tensor;
  /** Pre-activations and activations of the input, forget, candidate and output gates, in Keras's order. */
  z: Tensor[];
  gates: Tensor[];
  c: Tensor;
  ac: Tensor;
}

/** What the backward of a whole-sequence forward (Backend.lstmSequence) keeps: x in the order the loop read it. */
interface SequenceSaved {
  x: Tensor;
  sequence: LstmSequenceOutput;
  masks: DropoutMasks;
}

const mul = (a: Tensor, b: Tensor): Tensor => {
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] * b.data[i];
  return { shape: a.shape, data: out };
};

/**
 * Keras 3.15's LSTM: per step z = x·kernel + h·recurrent_kernel + bias, split into the gates i, f, c, o;
 * c = σ(f)·c + σ(i)·tanh(c̃), h = σ(o)·tanh(c) (σ = recurrent_activation, tanh = activation), from zero h and c.
 * While training, dropout and recurrent_dropout mask x and h where they enter the gates (dropoutMasks).
 */
export const LSTM = defineLayer({
  className: 'LSTM',
  group: 'Recurrent',
  description:
    'Long short-term memory: reads a sequence step by step, keeping a cell state that gates decide to keep, add to or show.',
  details:
    'Input (batch, steps, features); output the last hidden state (batch, units), or every step with ' +
    'return_sequences=True (to stack another RNN). Parameters: 4·(units·(features + units) + units).',
  arity: 'one',
  stateInputs: 2,
  keras: {
    args: recurrentArgs('unit_forget_bias'),
    config: recurrentConfig('unit_forget_bias'),
    callKwargs: { training: false, mask: null },
    weightsIn: 'cell',
  },
  fields: {
    ...recurrentFields,
    unit_forget_bias: {
      type: 'bool',
      default: true,
      advanced: true,
      doc: 'Start the forget gate’s bias at 1, so the cell keeps its state early in training.',
    },
  },
  outputShape: (config, inputs) => recurrentOutputShape('LSTM', config, inputs),
  extraOutputs: (config, [input]) => stateShapes(2, config, input),
  weights({ units, use_bias, unit_forget_bias }, [input]) {
    const w: WeightSpec[] = [
      { name: 'kernel', shape: [input[2] as number, 4 * units], trainable: true, initializer: 'kernel_initializer' },
      { name: 'recurrent_kernel', shape: [units, 4 * units], trainable: true, initializer: 'recurrent_initializer' },
    ];
    if (use_bias)
      w.push({
        name: 'bias',
        shape: [4 * units],
        trainable: true,
        initializer: 'bias_initializer',
        ...(unit_forget_bias ? { ones: [units, 2 * units] as const } : {}),
      });
    return w;
  },
  keyArgs: (config) => joinArgs(String(config.units), config.return_sequences === true && 'sequences'),
  forward(ctx, config, [input, ...states], w) {
    const x = config.go_backwards ? reverseSteps(ctx, input) : input;
    const [batch, steps, features] = x.shape;
    const { units, activation, recurrent_activation: gate } = config;
    const masks = dropoutMasks(ctx, config, batch, features, 4);
    const xw = inputProjection(ctx, x, w.kernel, masks);
    const shape = config.return_sequences ? [batch, steps, units] : [batch, units];
    // The whole loop is one backend call (recurrent_dropout's masks included), for every activation it computes.
    const activations = sequenceActivations(config);
    if (activations) {
      const sequence = ctx.backend.lstmSequence({
        xw: xw.data,
        recurrentKernel: w.recurrent_kernel.data,
        bias: w.bias ? w.bias.data : null,
        h0: states[0]?.data ?? null,
        c0: states[1]?.data ?? null,
        batch,
        steps,
        units,
        sequences: config.return_sequences,
        recurrentMasks: masks.recurrent,
        activations,
      });
      const result = { output: { shape, data: sequence.y }, saved: { x, sequence, masks } };
      const last = [mat(batch, units, sequence.h), mat(batch, units, sequence.c)];
      return config.return_state ? { ...result, extraOutputs: last } : result;
    }
    const out = config.return_sequences ? mat(batch * steps, units) : mat(batch, units);
    let h = initialState(states[0], batch, units);
    let c = initialState(states[1], batch, units);
    const saved: Step[] = [];
    for (let t = 0; t < steps; t++) {
      const hu = maskedGateMatMul(ctx, h, w.recurrent_kernel, masks.recurrent).data;
      const zt = step(xw, batch, steps, t);
      addInto(zt.data, hu);
      if (w.bias) addRowVector(zt, w.bias.data);
      const z = [0, 1, 2, 3].map((k) => columns(zt, k * units, units));
      const a = z.map((zk, k) => act(ctx, zk, k === 2 ? activation : gate));
      const cNew = mat(batch, units);
      for (let i = 0; i < cNew.data.length; i++) cNew.data[i] = a[1].data[i] * c.data[i] + a[0].data[i] * a[2].data[i];
      const ac = act(ctx, cNew, activation);
      const hNew = mul(a[3], ac);
      saved.push({ hPrev: h, cPrev: c, z, gates: a, c: cNew, ac });
      c = cNew;
      if (config.return_sequences) setStep(out, batch, steps, t, hNew);
      h = hNew;
    }
    const result = recurrentOutput(out, h, shape, config.return_sequences, { steps: saved, masks });
    return config.return_state ? { ...result, extraOutputs: [h, c] } : result;
  },
  backward(ctx, config, dy, { inputs: [input, ...states], weights: w, saved, inputGradsNeeded }, dExtra = []) {
    if ((saved as Partial<SequenceSaved>).sequence) {
      const { x, sequence, masks } = saved as SequenceSaved;
      const [batch, steps] = x.shape;
      const { units } = config;
      const grads = ctx.backend.lstmSequenceGrad({
        ...sequence,
        dy: dy.data,
        sequences: config.return_sequences,
        dhLast: dExtra[0]?.data ?? null,
        dcLast: dExtra[1]?.data ?? null,
        recurrentKernel: w.recurrent_kernel.data,
        h0: states[0]?.data ?? null,
        c0: states[1]?.data ?? null,
        batch,
        steps,
        units,
        recurrentMasks: masks.recurrent,
        activations: sequenceActivations(config),
      });
      const weights: Record<string, Float32Array> = { recurrent_kernel: grads.dRecurrentKernel };
      if (w.bias) weights.bias = grads.dBias;
      const dZ = mat(batch * steps, 4 * units, grads.dz);
      const input = inputSideGradients(ctx, x, w.kernel, dZ, weights, inputGradsNeeded, config.go_backwards, masks);
      if (!states.length) return input;
      // initial_state's h and c receive what reached step 0's previous h and c.
      const initial = [mat(batch, units, grads.dh0), mat(batch, units, grads.dc0)];
      return { ...input, inputs: [input.inputs[0], ...initial] };
    }
    const x = config.go_backwards ? reverseSteps(ctx, input) : input;
    const [batch, steps] = x.shape;
    const { units, activation, recurrent_activation: gate } = config;
    const g = 4 * units;
    const { steps: stepsSaved, masks } = saved as { steps: Step[]; masks: DropoutMasks };
    const dh = stepGradients(dy, batch, steps, units, config.return_sequences);
    const dZ = mat(batch * steps, g);
    const dU = new Float32Array(units * g);
    const dBias = new Float32Array(g);
    // The last h and c, when return_state gives them out, receive their own gradients.
    let dhNext = dExtra[0] ?? mat(batch, units);
    let dcNext = dExtra[1] ?? mat(batch, units);
    for (let t = steps - 1; t >= 0; t--) {
      const s = stepsSaved[t];
      const { z, gates: a } = s;
      const dht = step(dh, batch, steps, t);
      addInto(dht.data, dhNext.data);
      const dac = mul(dht, a[3]);
      const dc = actGrad(ctx, dac, s.c, s.ac, activation);
      addInto(dc.data, dcNext.data);
      const da = [mul(dc, a[2]), mul(dc, s.cPrev), mul(dc, a[0]), mul(dht, s.ac)];
      const dz = mat(batch, g);
      for (const [k, dak] of da.entries())
        setColumns(dz, k * units, actGrad(ctx, dak, z[k], a[k], k === 2 ? activation : gate));
      dcNext = mul(dc, a[1]);
      const recurrent = maskedGateMatMulGrad(ctx, s.hPrev, w.recurrent_kernel, dz, masks.recurrent, 1, true);
      addInto(dU, recurrent.dw);
      addColumnSums(dBias, dz);
      dhNext = recurrent.da!;
      setStep(dZ, batch, steps, t, dz);
    }
    const weights: Record<string, Float32Array> = { recurrent_kernel: dU };
    if (w.bias) weights.bias = dBias;
    const grads = inputSideGradients(ctx, x, w.kernel, dZ, weights, inputGradsNeeded, config.go_backwards, masks);
    // initial_state's h and c receive what reached step 0's previous h and c.
    return states.length ? { ...grads, inputs: [grads.inputs[0], dhNext, dcNext] } : grads;
  },
});
