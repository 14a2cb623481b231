/**
 * One prediction in the engine process: the sample as a batch of one, the output read as class probabilities, and
 * the outputs of the convolution, normalization, activation and pooling layers kept as feature maps. Problems
 * (a model that doesn't build, an input that doesn't fit, an output that isn't one score per class) come back as
 * data with a hint, for the panel to show.
 */
import { checkAgainstInput } from '../../../engine/api/data';
import { formatSampleShape } from '../../../engine/api/data';
import { appliedActivation } from '../../../engine/api/graph';
import type { ModelDocument } from '../../../engine/api/graph';
import type { Inference } from '../../../engine/api/graph';
import type { ProtocolError } from '../../../engine/api/protocol';
import { getEngineClient } from '../../services/host-instance';
import { classScores, type ClassScores } from './math';
import { hasTrait } from '../../../engine/api/layers';

export interface FeatureMap {
  nodeId: string;
  name: string;
  className: string;
  /** (height, width, channels), without the batch axis. */
  shape: [number, number, number];
  data: Float32Array;
}

export type PredictOutcome =
  /** elapsedMs: from the request to the engine's answer, read; startedAt: performance.now() when it was asked. */
  | { ok: true; scores: ClassScores; maps: FeatureMap[]; elapsedMs: number; startedAt: number }
  | { ok: false; error: ProtocolError };

/** The model's single Input shape without the batch axis, or null when it has none (or several, or can't be read). */
export function modelInputShape(inference: Inference): (number | null)[] | null {
  if (inference.inputs.length !== 1) return null;
  return inference.nodes.get(inference.inputs[0])?.outputShape?.slice(1) ?? null;
}

/** Nodes whose (batch, H, W, C) outputs the panel shows, in the graph's order. */
export function featureMapNodes(inference: Inference): string[] {
  return inference.topology.order.filter((id) => {
    const node = inference.topology.byId.get(id);
    return (
      node !== undefined &&
      hasTrait(node.className, 'featureMaps') &&
      inference.nodes.get(id)?.outputShape?.length === 4
    );
  });
}

/** Why this model can't predict on samples of this shape, or null when it can. */
export function predictProblem(inference: Inference, sampleShape: readonly number[]): ProtocolError | null {
  if (inference.errorCount > 0) {
    const first = inference.problems.find((p) => p.severity === 'error');
    return {
      code: 'invalid-model',
      message: `The model has ${inference.errorCount} error${inference.errorCount === 1 ? '' : 's'}${first ? `: ${first.message}` : ''}.`,
      hint: first?.hint ?? 'Fix the errors shown on the canvas first.',
    };
  }
  if (inference.inputs.length !== 1)
    return {
      code: 'bad-input',
      message: `The model has ${inference.inputs.length} Input layers; Predict feeds one.`,
      hint: 'Predict a model with a single Input.',
    };
  const shape = modelInputShape(inference);
  if (!shape)
    return {
      code: 'bad-input',
      message: "The Input's shape can't be read.",
      hint: 'Fix the problems on the Input layer first.',
    };
  const mismatch = checkAgainstInput({ sampleShape: [...sampleShape] }, shape);
  if (mismatch)
    return {
      code: 'bad-input',
      message: mismatch.message,
      hint: `${mismatch.hint} (The Train tab's check has a one-click fix.)`,
    };
  const out = inference.outputs[0];
  const outShape = out ? inference.nodes.get(out)?.outputShape : null;
  if (outShape && outShape.length !== 2) {
    return {
      code: 'bad-output',
      message: `The model's output is ${formatSampleShape(outShape.slice(1))} per sample, not one score per class.`,
      hint: 'Put a Flatten (or GlobalAveragePooling2D) before the last Dense so it scores the whole input.',
    };
  }
  return null;
}

export async function predict(
  doc: ModelDocument,
  inference: Inference,
  x: Float32Array,
  sampleShape: readonly number[],
  classNames: readonly string[],
): Promise<PredictOutcome> {
  const problem = predictProblem(inference, sampleShape);
  if (problem) return { ok: false, error: problem };
  const capture = featureMapNodes(inference);
  const started = performance.now();
  let answer;
  try {
    const client = await getEngineClient();
    answer = await client.request('predict', {
      document: doc,
      input: { shape: [1, ...sampleShape], data: x as Float32Array<ArrayBuffer> },
      capture,
    });
  } catch (err) {
    return {
      ok: false,
      error: {
        message: `The engine is not reachable: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'Restart LayerCanvas; the status bar shows the engine state.',
      },
    };
  }
  if (!answer.ok) return answer;
  const last = inference.topology.byId.get(inference.outputs[0]);
  const scores = classScores(answer.value.output.data, last ? appliedActivation(last) : null, classNames);
  const maps: FeatureMap[] = [];
  for (const id of capture) {
    const t = answer.value.captured[id];
    if (!t || t.shape.length !== 4) continue;
    const node = inference.topology.byId.get(id)!;
    maps.push({
      nodeId: id,
      name: inference.nodes.get(id)?.name ?? node.name ?? id,
      className: node.className,
      shape: [t.shape[1], t.shape[2], t.shape[3]],
      data: t.data,
    });
  }
  return { ok: true, scores, maps, elapsedMs: performance.now() - started, startedAt: started };
}
