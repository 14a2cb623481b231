import { describe, expect, it } from 'vitest';
import { formatDataError, formatSampleShape, targetSize } from '../../../engine/data/types';

describe('formatDataError', () => {
  it('prints file:line:column for text files and the byte offset for binary ones', () => {
    expect(formatDataError({ message: 'bad', hint: 'fix it', file: 'a.csv', location: { line: 3, column: 5 } })).toBe(
      'a.csv:3:5: bad (fix it)',
    );
    expect(formatDataError({ message: 'bad magic', file: 'x.npy', offset: 0 })).toBe('x.npy (byte 0): bad magic');
    expect(formatDataError({ message: 'plain' })).toBe('plain');
  });
});

describe('formatSampleShape and targetSize', () => {
  it('prints shapes as Python tuples, one-element ones with a trailing comma', () => {
    expect(formatSampleShape([28, 28, 1])).toBe('(28, 28, 1)');
    expect(formatSampleShape([2])).toBe('(2,)');
    expect(formatSampleShape([null, 3])).toBe('(None, 3)');
  });

  it('counts target values per sample', () => {
    expect(targetSize({ y: new Int32Array(5), count: 5 })).toBe(1);
    expect(targetSize({ y: new Float32Array(10), count: 5 })).toBe(2);
  });
});
