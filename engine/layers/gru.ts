import type { Tensor } from '../core/tensor';
import { defineLayer } from './define';
import { joinArgs } from './fields';
import {
  act,
  actGrad,
  addColumnSums,
  addInto,
  addRowVector,
  columns,
  mat,
  recurrentArgs,
  recurrentConfig,
  recurrentFields,
  recurrentOutput,
  reverseSteps,
  recurrentOutputShape,
  inputSideGradients,
  setColumns,
  setStep,
  step,
  stepGradients,
} from './recurrent';
import { reshape } from './run-helpers';
import type { WeightSpec } from './types';

/** One step's values that backpropagation through time needs. */
interface Step {
  hPrev: Tensor;
  /** Update and reset gates: pre-activations and activations; the recurrent candidate part h·U_h + b_h. */
  zz: Tensor;
  z: Tensor;
  zr: Tensor;
  r: Tensor;
  hh: Tensor;
  /** The candidate's pre-activation and activation. */
  zc: Tensor;
  cand: Tensor;
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
  outputShape: (config, [input]) => recurrentOutputShape('GRU', config, input),
  weights({ units, use_bias }, [input]) {
    const w: WeightSpec[] = [
      { name: 'kernel', shape: [input[2] as number, 3 * units], trainable: true, initializer: 'kernel_initializer' },
      { name: 'recurrent_kernel', shape: [units, 3 * units], trainable: true, initializer: 'recurrent_initializer' },
    ];
    if (use_bias) w.push({ name: 'bias', shape: [2, 3 * units], trainable: true, initializer: 'bias_initializer' });
    return w;
  },
  keyArgs: (config) => joinArgs(String(config.units), config.return_sequences === true && 'sequences'),
  forward(ctx, config, [input], w) {
    const x = config.go_backwards ? reverseSteps(input) : input;
    const [batch, steps, features] = x.shape;
    const { units, activation, recurrent_activation: gate } = config;
    const xw = ctx.backend.matMul(reshape(x, [batch * steps, features]), w.kernel);
    if (w.bias) addRowVector(xw, w.bias.data);
    const out = config.return_sequences ? mat(batch * steps, units) : mat(batch, units);
    let h = mat(batch, units);
    const saved: Step[] = [];
    for (let t = 0; t < steps; t++) {
      const xt = step(xw, batch, steps, t);
      const hu = ctx.backend.matMul(h, w.recurrent_kernel);
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
    const shape = config.return_sequences ? [batch, steps, units] : [batch, units];
    return recurrentOutput(out, h, shape, config.return_sequences, saved);
  },
  backward(ctx, config, dy, { inputs: [input], weights: w, saved, inputGradsNeeded }) {
    const x = config.go_backwards ? reverseSteps(input) : input;
    const [batch, steps] = x.shape;
    const { units, activation, recurrent_activation: gate } = config;
    const g = 3 * units;
    const stepsSaved = saved as Step[];
    const dh = stepGradients(dy, batch, steps, units, config.return_sequences);
    const dX = mat(batch * steps, g);
    const dU = new Float32Array(units * g);
    const dBias = new Float32Array(2 * g);
    let dhNext = mat(batch, units);
    for (let t = steps - 1; t >= 0; t--) {
      const s = stepsSaved[t];
      const dht = step(dh, batch, steps, t);
      addInto(dht.data, dhNext.data);
      const n = dht.data.length;
      const dzA = mat(batch, units);
      const dcand = mat(batch, units);
      for (let i = 0; i < n; i++) {
        dzA.data[i] = dht.data[i] * (s.hPrev.data[i] - s.cand.data[i]);
        dcand.data[i] = dht.data[i] * (1 - s.z.data[i]);
      }
      const dzc = actGrad(ctx, dcand, s.zc, s.cand, activation);
      const dhh = mat(batch, units);
      const drA = mat(batch, units);
      for (let i = 0; i < n; i++) {
        dhh.data[i] = dzc.data[i] * s.r.data[i];
        drA.data[i] = dzc.data[i] * s.hh.data[i];
      }
      const dzz = actGrad(ctx, dzA, s.zz, s.z, gate);
      const dzr = actGrad(ctx, drA, s.zr, s.r, gate);
      const dxt = mat(batch, g);
      setColumns(dxt, 0, dzz);
      setColumns(dxt, units, dzr);
      setColumns(dxt, 2 * units, dzc);
      setStep(dX, batch, steps, t, dxt);
      const dhu = mat(batch, g);
      setColumns(dhu, 0, dzz);
      setColumns(dhu, units, dzr);
      setColumns(dhu, 2 * units, dhh);
      addInto(dU, ctx.backend.matMul(s.hPrev, dhu, true, false).data);
      addColumnSums(dBias, dxt);
      addColumnSums(dBias, dhu, g);
      dhNext = ctx.backend.matMul(dhu, w.recurrent_kernel, false, true);
      for (let i = 0; i < n; i++) dhNext.data[i] += dht.data[i] * s.z.data[i];
    }
    const weights: Record<string, Float32Array> = { recurrent_kernel: dU };
    if (w.bias) weights.bias = dBias;
    return inputSideGradients(ctx, x, w.kernel, dX, weights, inputGradsNeeded, config.go_backwards);
  },
});
