/** Which two runs are being compared (ticked in the runs list, or Ctrl/Cmd-clicked): one concern, its own store. */
import { useMemo } from 'react';
import { create } from 'zustand';
import { useTraining, type TrainingRun } from '../../../stores/training';
import { orderRuns } from './compare';

export interface CompareState {
  /** At most two run ids, in the order they were picked. */
  ids: string[];
  /** Adds the run (a third pick replaces the older of the two) or takes it out. */
  toggle(id: string): void;
  clear(): void;
}

export const useCompare = create<CompareState>()((set, get) => ({
  ids: [],
  toggle(id) {
    const ids = get().ids;
    set({ ids: ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2) });
  },
  clear: () => set({ ids: [] }),
}));

/** The two compared runs, older first, once both are picked and neither is still training; otherwise null. */
export function useComparedRuns(): [TrainingRun, TrainingRun] | null {
  const ids = useCompare((s) => s.ids);
  const runs = useTraining((s) => s.runs);
  const activeId = useTraining((s) => s.activeId);
  return useMemo(() => {
    const picked = ids
      .map((id) => runs.find((r) => r.id === id && r.id !== activeId))
      .filter((r): r is TrainingRun => r !== undefined);
    return picked.length === 2 ? orderRuns(picked[0], picked[1]) : null;
  }, [ids, runs, activeId]);
}
