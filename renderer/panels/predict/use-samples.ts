/**
 * A window of samples of the chosen dataset: asked from the engine for a built-in (`samples`), cut locally from an
 * imported one (the page already holds its arrays). Answers are kept for the session: the datasets don't change.
 */
import { useEffect, useState } from 'react';
import type { ProtocolError } from '../../../engine/api/protocol';
import { sampleWindow, type SampleWindow, type Split } from '../../../engine/api/data';
import type { BuiltinId } from '../../../engine/api/data';
import { getEngineClient } from '../../services/host-instance';
import { importedDataset, isImportedId, useDatasets } from '../../stores/datasets';

export type SamplesState =
  | { status: 'loading' }
  | { status: 'ready'; window: SampleWindow }
  | { status: 'error'; error: ProtocolError };

const cache = new Map<string, Promise<SamplesState>>();

/** Built-ins with a held-out test split; the Predict tab shows those digits, which training never saw. */
export const BUILTIN_TEST_SPLITS: readonly string[] = ['mnist'];

async function fetchBuiltin(id: BuiltinId, split: Split, offset: number, count: number): Promise<SamplesState> {
  try {
    const client = await getEngineClient();
    const answer = await client.request('samples', { dataset: id, split, offset, count });
    return answer.ok ? { status: 'ready', window: answer.value } : { status: 'error', error: answer.error };
  } catch (err) {
    return {
      status: 'error',
      error: {
        message: `The engine is not reachable: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'Restart LayerCanvas; the status bar shows the engine state.',
      },
    };
  }
}

export function useSamples(datasetId: string, split: Split, offset: number, count: number): SamplesState {
  const imported = useDatasets((s) => s.imported);
  const [state, setState] = useState<SamplesState>({ status: 'loading' });
  useEffect(() => {
    if (isImportedId(datasetId)) {
      const entry = importedDataset(datasetId, imported);
      if (!entry) {
        setState({
          status: 'error',
          error: { message: `The imported dataset ${datasetId} is gone.`, hint: 'Import the file again.' },
        });
        return;
      }
      const data = split === 'test' && entry.test ? entry.test : entry.dataset;
      const splits: Split[] = entry.test ? ['train', 'test'] : ['train'];
      setState(
        data.count === 0
          ? { status: 'error', error: { message: `${entry.fileName} holds no samples.` } }
          : {
              status: 'ready',
              window: sampleWindow(data, entry.test && split === 'test' ? 'test' : 'train', splits, offset, count),
            },
      );
      return;
    }
    const key = `${datasetId}:${split}:${offset}:${count}`;
    let promise = cache.get(key);
    if (!promise) {
      promise = fetchBuiltin(datasetId as BuiltinId, split, offset, count);
      cache.set(key, promise);
      void promise.then((s) => s.status === 'error' && cache.delete(key));
    }
    let live = true;
    setState((prev) => (prev.status === 'ready' ? prev : { status: 'loading' }));
    void promise.then((s) => {
      if (live) setState(s);
    });
    return () => {
      live = false;
    };
  }, [datasetId, split, offset, count, imported]);
  return state;
}
