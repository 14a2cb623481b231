/**
 * "One batch, two modes": the same batch through the trained model twice, once as in training (BatchNormalization
 * normalizes with the batch's own statistics) and once as in inference (it uses the moving statistics), capturing
 * the BN layer's input and output, reduced to per-channel statistics.
 */
import type { Tensor } from '../../../engine/api/core';
import type { ModelDocument } from '../../../engine/api/graph';
import type { ProtocolError } from '../../../engine/api/protocol';
import type { EngineClient } from '../../services/engine-client';
import {
  channelMoments,
  expectedOutput,
  meanAbsGap,
  type BnLayer,
  type BnParams,
  type ChannelMoments,
} from './bn-view';

export interface TwoModes {
  batchSize: number;
  /** The layer's input on this batch: what the training mode normalizes with. */
  input: ChannelMoments;
  training: ChannelMoments;
  inference: ChannelMoments;
  /** What the parameters predict for each mode (see expectedOutput). */
  expected: { training: ChannelMoments; inference: ChannelMoments };
}

export type TwoModesResult = { ok: true; value: TwoModes } | { ok: false; error: ProtocolError };

export async function runTwoModes(
  client: Pick<EngineClient, 'request'>,
  doc: ModelDocument,
  bn: BnLayer,
  params: BnParams,
  batch: Tensor,
): Promise<TwoModesResult> {
  if (!bn.sourceId)
    return { ok: false, error: { message: `${bn.name} has no input`, hint: 'connect a layer to it and train again' } };
  const capture = [bn.sourceId, bn.id];
  const [training, inference] = await Promise.all(
    [true, false].map((mode) =>
      client.request('predict', {
        document: doc,
        input: { shape: batch.shape, data: Float32Array.from(batch.data) },
        training: mode,
        seed: 0,
        capture,
      }),
    ),
  );
  if (!training.ok) return training;
  if (!inference.ok) return inference;
  const input = channelMoments(training.value.captured[bn.sourceId], bn.axis);
  const outTraining = channelMoments(training.value.captured[bn.id], bn.axis);
  const outInference = channelMoments(inference.value.captured[bn.id], bn.axis);
  if (!input || !outTraining || !outInference)
    return {
      ok: false,
      error: { message: `${bn.name}'s axis ${bn.axis} does not fit its output`, hint: 'use axis=-1, the channel axis' },
    };
  return {
    ok: true,
    value: {
      batchSize: batch.shape[0],
      input,
      training: outTraining,
      inference: outInference,
      expected: expectedOutput(params, input, bn.epsilon),
    },
  };
}

/**
 * Whether the two modes agree: the moving statistics have converged when inference mode lands within a tenth of
 * the training-mode spread of it, in mean and in std, on average over the channels.
 */
export function modesAgree(v: Pick<TwoModes, 'training' | 'inference'>): boolean {
  const spread = v.training.std.reduce((s, x) => s + Math.abs(x), 0) / Math.max(v.training.std.length, 1) || 1;
  return (
    meanAbsGap(v.training.mean, v.inference.mean) < 0.1 * spread &&
    meanAbsGap(v.training.std, v.inference.std) < 0.1 * spread
  );
}
