// The Predict tab's choices survive a visit to another tab, and each dataset keeps its own picked sample.
import { beforeEach, describe, expect, it } from 'vitest';
import { positionOf, usePredict } from '../../../renderer/stores/predict';

beforeEach(() => usePredict.setState({ mode: 'sample', positions: {}, weightsFrom: 'model', drawn: null }));

describe('the predict store', () => {
  it('starts every dataset at its first sample and remembers a pick per dataset', () => {
    const s = usePredict.getState();
    expect(positionOf(usePredict.getState(), 'mnist')).toBe(0);
    s.pick('mnist', 12, 2000);
    s.pick('spirals', 3, 400);
    expect(positionOf(usePredict.getState(), 'mnist')).toBe(12);
    expect(positionOf(usePredict.getState(), 'spirals')).toBe(3);
  });

  it('keeps a pick inside the split: never below 0, never past the last sample', () => {
    const s = usePredict.getState();
    s.pick('xor', -1, 400);
    expect(positionOf(usePredict.getState(), 'xor')).toBe(0);
    s.pick('xor', 400, 400);
    expect(positionOf(usePredict.getState(), 'xor')).toBe(399);
    s.pick('xor', 7.8);
    expect(positionOf(usePredict.getState(), 'xor')).toBe(7);
  });

  it('holds the mode, the weights source and the drawing', () => {
    const s = usePredict.getState();
    const ink = new Float32Array(784).fill(0.5);
    s.setMode('draw');
    s.setWeightsFrom('run-abc');
    s.setDrawn(ink);
    expect(usePredict.getState()).toMatchObject({ mode: 'draw', weightsFrom: 'run-abc', drawn: ink });
    s.setDrawn(null);
    expect(usePredict.getState().drawn).toBeNull();
  });
});
