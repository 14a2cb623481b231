import { describe, expect, it } from 'vitest';
import { checkAgainstInput, checkAgainstOutput } from '../../../engine/data/check';

const mnistLike = { sampleShape: [28, 28, 1] };

describe('checkAgainstInput', () => {
  it('accepts an Input of the same shape', () => {
    expect(checkAgainstInput(mnistLike, [28, 28, 1])).toBeNull();
  });

  it('treats a leading None as a real axis: (None, 2) takes sequences, not (2,) samples', () => {
    expect(checkAgainstInput({ sampleShape: [2] }, [null, 2])?.message).toBe(
      "The dataset's samples are (2,) but the model's Input is (None, 2).",
    );
  });

  it('lets None sizes match anything, as Keras does', () => {
    expect(checkAgainstInput(mnistLike, [null, null, 1])).toBeNull();
  });

  it('names both shapes and offers the Input shape as the fix when the channels differ', () => {
    const m = checkAgainstInput(mnistLike, [28, 28, 3]);
    expect(m?.message).toBe("The dataset's samples are (28, 28, 1) but the model's Input is (28, 28, 3).");
    expect(m?.hint).toContain("Set the Input's shape to (28, 28, 1)");
    expect(m?.fix).toEqual({ shape: [28, 28, 1] });
  });

  it('suggests a Flatten when the model wants the same values as a flat vector', () => {
    const m = checkAgainstInput(mnistLike, [784]);
    expect(m?.message).toBe("The dataset's samples are (28, 28, 1) but the model's Input is (784,).");
    expect(m?.hint).toContain('A Flatten after it gives the (784,) vector');
  });

  it('prints a one-feature shape as a Python 1-tuple', () => {
    expect(checkAgainstInput({ sampleShape: [2] }, [3])?.message).toBe(
      "The dataset's samples are (2,) but the model's Input is (3,).",
    );
  });
});

describe('checkAgainstOutput', () => {
  it('wants one unit per class, or one sigmoid unit for two classes', () => {
    expect(checkAgainstOutput({ numClasses: 10 }, [10])).toBeNull();
    expect(checkAgainstOutput({ numClasses: 2 }, [1])).toBeNull();
    const m = checkAgainstOutput({ numClasses: 10 }, [4]);
    expect(m?.message).toBe("The dataset has 10 classes but the model's output has 4 units.");
    expect(m?.fix).toEqual({ units: 10 });
  });

  it('leaves regression datasets alone', () => {
    expect(checkAgainstOutput({}, [3])).toBeNull();
  });
});
