/** Which run the Inside tab shows: the newest completed one until the user picks another. */
import { create } from 'zustand';

export interface InsideState {
  /** 'newest': follow the newest completed run; otherwise the id of the run the user picked. */
  runFrom: 'newest' | string;
  setRunFrom(runFrom: 'newest' | string): void;
}

export const useInside = create<InsideState>()((set) => ({
  runFrom: 'newest',
  setRunFrom: (runFrom) => set({ runFrom }),
}));
