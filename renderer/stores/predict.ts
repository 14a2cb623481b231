/**
 * The Predict tab's choices, kept while the user visits other tabs: sample or drawing, which sample of each dataset
 * (so switching datasets and back keeps the place), which weights, and the drawing itself.
 */
import { create } from 'zustand';

export type PredictMode = 'sample' | 'draw';

/**
 * 'newest': the newest completed run's trained weights (the canvas's own model while there is none), so a
 * prediction after training uses what was trained; 'model': the document on the canvas with the weights it
 * carries; otherwise a training run's id, picked by the user.
 */
export type WeightsSource = 'newest' | 'model' | string;

export interface PredictState {
  mode: PredictMode;
  /** The picked sample's index in its split, by dataset id. */
  positions: Record<string, number>;
  weightsFrom: WeightsSource;
  /** The pad's ink, 28×28 values in [0, 1]; null when the pad is clear. */
  drawn: Float32Array | null;
  setMode(mode: PredictMode): void;
  pick(datasetId: string, position: number, total?: number): void;
  setWeightsFrom(source: WeightsSource): void;
  setDrawn(pixels: Float32Array | null): void;
}

export const usePredict = create<PredictState>()((set, get) => ({
  mode: 'sample',
  positions: {},
  weightsFrom: 'newest',
  drawn: null,
  setMode: (mode) => set({ mode }),
  pick(datasetId, position, total) {
    const last = total === undefined ? Infinity : Math.max(0, total - 1);
    const clamped = Math.min(Math.max(0, Math.floor(position)), last);
    set({ positions: { ...get().positions, [datasetId]: clamped } });
  },
  setWeightsFrom: (weightsFrom) => set({ weightsFrom }),
  setDrawn: (drawn) => set({ drawn }),
}));

/** The picked sample of a dataset: the first until the user picks another. */
export const positionOf = (state: Pick<PredictState, 'positions'>, datasetId: string): number =>
  state.positions[datasetId] ?? 0;
