import { describe, expect, it } from 'vitest';
import { BUDGET_ENV, memoryBudget, parseSize } from '../../../engine/node/memory-budget';

const GIB = 1024 ** 3;

describe('the memory budget', () => {
  it('is a quarter of the machine by default', () => {
    expect(memoryBudget(undefined, {}, 24 * GIB)).toEqual({
      bytes: 6 * GIB,
      machineBytes: 24 * GIB,
      source: 'default',
    });
  });
  it('takes --memory-budget over the environment, and the environment over the default', () => {
    expect(memoryBudget('2GB', { [BUDGET_ENV]: '4GB' }, 24 * GIB)).toMatchObject({
      bytes: 2 * GIB,
      source: 'set by --memory-budget',
    });
    expect(memoryBudget(undefined, { [BUDGET_ENV]: '512 MiB' }, 24 * GIB)).toMatchObject({
      bytes: 512 * 1024 ** 2,
      source: `set by ${BUDGET_ENV}`,
    });
  });
  it('reads sizes in Keras units and refuses anything else, naming the setting', () => {
    expect([
      parseSize('8GB'),
      parseSize('1.5g'),
      parseSize('1000'),
      parseSize('0'),
      parseSize('lots'),
      parseSize('8 XB'),
    ]).toEqual([8 * GIB, 1.5 * GIB, 1000, null, null, null]);
    expect(() => memoryBudget(undefined, { [BUDGET_ENV]: 'lots' })).toThrow(
      `${BUDGET_ENV} must be a size such as 8GB or 512MB, got 'lots'`,
    );
  });
});
