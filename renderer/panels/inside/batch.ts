/** One batch of a run's training data, asked of the engine (only it can read MNIST's files). */
import type { Tensor } from '../../../engine/core/tensor';
import { builtinInfo, type BuiltinId } from '../../../engine/data/registry';
import type { ProtocolError } from '../../../engine/host/protocol';
import type { EngineClient } from '../../services/engine-client';

export type BatchResult = { ok: true; value: Tensor } | { ok: false; error: ProtocolError };

/** The first `count` samples of the dataset's training split, as a batch tensor (batch axis first). */
export async function fetchBatch(client: Pick<EngineClient, 'request'>, datasetId: string, count: number): Promise<BatchResult> {
  const info = builtinInfo(datasetId);
  if (!info) return { ok: false, error: { message: `"${datasetId}" is not a built-in dataset`, hint: 'the two-mode batch reads MNIST, shapes, spirals, circles or xor; train on one of those' } };
  const answer = await client.request('samples', { dataset: info.id as BuiltinId, split: 'train', offset: 0, count });
  if (!answer.ok) return answer;
  const w = answer.value;
  if (w.count === 0) return { ok: false, error: { message: `${info.title} returned no samples`, hint: 'pick another dataset' } };
  return { ok: true, value: { shape: [w.count, ...w.sampleShape], data: w.x } };
}
