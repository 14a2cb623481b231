import type { Tensor } from '../core/tensor';
import type { GruSequenceOutput } from '../kernels/types';
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

/** One step's values that backpropagation through time needs. */
interface Step {
  hPrev: Tensor;
  /** The recurrent candidate part h·U_h + b_h. */
  hh: Tensor;
  /** Update and reset gates' pre-activations and activations, the candidate's. */
  zz: Tensor;
  z: Tensor;
  zr: Tensor;
  r: Tensor;
  zc: Tensor;
  cand: Tensor;
}

/** What the backward of a whole-sequence forward (Backend.gruSequence) keeps: x in the order the loop read it. */
interface SequenceSaved {
  x: Tensor;
  sequence: GruSequenceOutput;
  masks: DropoutMasks;
}

/**
 * Keras 3.15's GRU with reset_after=True (its default, cuDNN's form): x·kernel + input bias and h·recurrent_kernel +
 * recurrent bias are split into update z, reset r and candidate parts; z = σ(x_z + h_z), r = σ(x_r + h_r),
 * h̃ = tanh(x_h + r·h_h), h = z·h + (1 − z)·h̃, from zero h. The bias is (2, 3·units): input row, recurrent row.
 */
export const GRU = defineLayer({
  className: 'GRU',
  group: 'Recurrent',
  description:
    'Gated recurrent unit: reads a sequence step by step; update and reset gates decide how much of its state to keep.',
  details:
    'Input (batch, steps, features); output the last hidden state (batch, units), or every step with ' +
    'return_sequences=True. Keras’s default reset_after=True: parameters 3·(units·(features + units) + 2·units).',
  arity: 'one',
  stateInputs: 1,
  keras: {
    args: recurrentArgs('reset_after'),
    config: recurrentConfig('reset_after'),
    callKwargs: { training: false, mask: null },
    weightsIn: 'cell',
  },
  tfjs: {
    refuses: {
      why: "refuses reset_after=True, Keras's default and the only GRU LayerCanvas computes",
      hint: 'use LSTM for a TF.js export, or export Keras (.keras) instead',
    },
  },
  fields: recurrentFields,
  outputShape: (config, inputs) => recurrentOutputShape('GRU', config, inputs),
  extraOutputs: (config, [input]) => stateShapes(1, config, input),
  weights({ units, use_bias }, [input]) {
    const w: WeightSpec[] = [
      { name: 'kernel', shape: [input[2] as number, 3 * units], trainable: true, initializer: 'kernel_initializer' },
      { name: 'recurrent_kernel', shape: [units, 3 * units], trainable: true, initializer: 'recurrent_initializer' },
    ];
    if (use_bias) w.push({ name: 'bias', shape: [2, 3 * units], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) => joinArgs(String(config.units), config.return_sequences === true && 'sequences'),
  forward(ctx, config, [input, ...states], w) {
    const x = config.go_backwards ? reverseSteps(ctx, input) : input;
    const [batch, steps, features] = x.shape;
    const { units, activation, recurrent_activation: gate } = config;
    const masks = dropoutMasks(ctx, config, batch, features, 3);
    const xw = inputProjection(ctx, x, w.kernel, masks);
    const activations = sequenceActivations(config);
    const shape = config.return_sequences ? [batch, steps, units] : [batch, units];
    // The whole loop is one backend call (recurrent_dropout's masks included), for every activation it computes.
    if (activations) {
      const sequence = ctx.backend.gruSequence({
        xw: xw.data,
        recurrentKernel: w.recurrent_kernel.data,
        bias: w.bias ? w.bias.data : null,
        h0: states[0]?.data ?? null,
        batch,
        steps,
        units,
        sequences: config.return_sequences,
        recurrentMasks: masks.recurrent,
        activations,
      });
      const result = { output: { shape, data: sequence.y }, saved: { x, sequence, masks } };
      return config.return_state ? { ...result, extraOutputs: [mat(batch, units, sequence.h)] } : result;
    }
    // Other activations: the loop here, one step at a time.
    if (w.bias) addRowVector(xw, w.bias.data);
    const out = config.return_sequences ? mat(batch * steps, units) : mat(batch, units);
    let h = initialState(states[0], batch, units);
    const saved: Step[] = [];
    for (let t = 0; t < steps; t++) {
      const hu = maskedGateMatMul(ctx, h, w.recurrent_kernel, masks.recurrent);
      const xt = step(xw, batch, steps, t);
      if (w.bias) addRowVector(hu, w.bias.data, 3 * units);
      const zz = columns(xt, 0, units);
      addInto(zz.data, columns(hu, 0, units).data);
      const zr = columns(xt, units, units);
      addInto(zr.data, columns(hu, units, units).data);
      const z = act(ctx, zz, gate);
      const r = act(ctx, zr, gate);
      const hh = columns(hu, 2 * units, units);
      const zc = columns(xt, 2 * units, units);
      for (let i = 0; i < zc.data.length; i++) zc.data[i] += r.data[i] * hh.data[i];
      const cand = act(ctx, zc, activation);
      const hNew = mat(batch, units);
      for (let i = 0; i < hNew.data.length; i++) hNew.data[i] = z.data[i] * h.data[i] + (1 - z.data[i]) * cand.data[i];
      saved.push({ hPrev: h, zz, z, zr, r, hh, zc, cand });
      if (config.return_sequences) setStep(out, batch, steps, t, hNew);
      h = hNew;
    }
    const result = recurrentOutput(out, h, shape, config.return_sequences, { steps: saved, masks });
    return config.return_state ? { ...result, extraOutputs: [h] } : result;
  },
  backward(ctx, config, dy, { inputs: [input, ...states], weights: w, saved, inputGradsNeeded }, dExtra = []) {
    if ((saved as Partial<SequenceSaved>).sequence) {
      const { x, sequence, masks } = saved as SequenceSaved;
      const [batch, steps] = x.shape;
      const { units } = config;
      const grads = ctx.backend.gruSequenceGrad({
        ...sequence,
        dy: dy.data,
        sequences: config.return_sequences,
        dhLast: dExtra[0]?.data ?? null,
        recurrentKernel: w.recurrent_kernel.data,
        h0: states[0]?.data ?? null,
        batch,
        steps,
        units,
        recurrentMasks: masks.recurrent,
        activations: sequenceActivations(config),
      });
      const weights: Record<string, Float32Array> = { recurrent_kernel: grads.dRecurrentKernel };
      if (w.bias) weights.bias = grads.dBias;
      const dX = mat(batch * steps, 3 * units, grads.dx);
      const input = inputSideGradients(ctx, x, w.kernel, dX, weights, inputGradsNeeded, config.go_backwards, masks);
      // initial_state's h receives what reached step 0's previous h.
      return states.length ? { ...input, inputs: [input.inputs[0], mat(batch, units, grads.dh0)] } : input;
    }
    const x = config.go_backwards ? reverseSteps(ctx, input) : input;
    const [batch, steps] = x.shape;
    const { units, activation, recurrent_activation: gate } = config;
    const g = 3 * units;
    const { steps: stepsSaved, masks } = saved as { steps: Step[]; masks: DropoutMasks };
    const dh = stepGradients(dy, batch, steps, units, config.return_sequences);
    const dX = mat(batch * steps, g);
    const dU = new Float32Array(units * g);
    const dBias = new Float32Array(2 * g);
    // The last h, when return_state gives it out, receives its own gradient.
    let dhNext = dExtra[0] ?? mat(batch, units);
    for (let t = steps - 1; t >= 0; t--) {
      const s = stepsSaved[t];
      const dhtT = step(dh, batch, steps, t);
      addInto(dhtT.data, dhNext.data);
      const dht = dhtT.data;
      const [zs, r, cand, hh] = [s.z.data, s.r.data, s.cand.data, s.hh.data];
      const n = dht.length;
      const dzA = mat(batch, units);
      const dcand = mat(batch, units);
      for (let i = 0; i < n; i++) {
        dzA.data[i] = dht[i] * (s.hPrev.data[i] - cand[i]);
        dcand.data[i] = dht[i] * (1 - zs[i]);
      }
      const dzc = actGrad(ctx, dcand, s.zc, s.cand, activation);
      const dhh = mat(batch, units);
      const drA = mat(batch, units);
      for (let i = 0; i < n; i++) {
        dhh.data[i] = dzc.data[i] * r[i];
        drA.data[i] = dzc.data[i] * hh[i];
      }
      const dzz = actGrad(ctx, dzA, s.zz, s.z, gate);
      const dzr = actGrad(ctx, drA, s.zr, s.r, gate);
      const dxt = mat(batch, g);
      setColumns(dxt, 0, dzz);
      setColumns(dxt, units, dzr);
      setColumns(dxt, 2 * units, dzc);
      const dhu = mat(batch, g);
      setColumns(dhu, 0, dzz);
      setColumns(dhu, units, dzr);
      setColumns(dhu, 2 * units, dhh);
      setStep(dX, batch, steps, t, dxt);
      // The mask on h reaches only the recurrent matmul; z·h (the carry) sees h undropped, as in Keras.
      const recurrent = maskedGateMatMulGrad(ctx, s.hPrev, w.recurrent_kernel, dhu, masks.recurrent, 1, true);
      addInto(dU, recurrent.dw);
      addColumnSums(dBias, dxt);
      addColumnSums(dBias, dhu, g);
      dhNext = recurrent.da!;
      // This step's dht·z reaches step t − 1 past the gates.
      for (let i = 0; i < n; i++) dhNext.data[i] += dht[i] * zs[i];
    }
    const weights: Record<string, Float32Array> = { recurrent_kernel: dU };
    if (w.bias) weights.bias = dBias;
    const grads = inputSideGradients(ctx, x, w.kernel, dX, weights, inputGradsNeeded, config.go_backwards, masks);
    // initial_state's h receives what reached step 0's previous h.
    return states.length ? { ...grads, inputs: [grads.inputs[0], dhNext] } : grads;
  },
});
