// What the inspector's argument boxes of a regularizer or constraint accept: a number, an axis or a list of them,
// checked as Keras's constructors check them.
import { describe, expect, it } from 'vitest';
import { freshRule, parseRule, ruleText, withRuleArg } from '../../../engine/core/weight-rules';

describe('a typed rule argument', () => {
  const maxNorm = parseRule('constraint', 'MaxNorm(max_value=2, axis=0)')!;

  it('sets a factor, an axis, or an axis list written with or without brackets', () => {
    const l2 = freshRule('regularizer', 'L2');
    expect(ruleText(withRuleArg('regularizer', l2, 'l2', '1e-4') as never)).toBe('L2(l2=0.0001)');
    expect(ruleText(withRuleArg('constraint', maxNorm, 'axis', '-1') as never)).toBe('MaxNorm(max_value=2, axis=-1)');
    expect(ruleText(withRuleArg('constraint', maxNorm, 'axis', '0, 1, 2') as never)).toBe(
      'MaxNorm(max_value=2, axis=[0, 1, 2])',
    );
    expect(ruleText(withRuleArg('constraint', maxNorm, 'axis', '[3]') as never)).toBe('MaxNorm(max_value=2, axis=[3])');
  });

  it('refuses what Keras refuses, naming the class and the argument', () => {
    expect(withRuleArg('regularizer', freshRule('regularizer', 'L1'), 'l1', '-0.1')).toBe(
      "L1's l1 must be a non-negative number, got -0.1",
    );
    expect(withRuleArg('constraint', maxNorm, 'axis', '0.5')).toBe(
      "MaxNorm's axis must be an integer or a list of integers, got 0.5",
    );
    expect(withRuleArg('constraint', maxNorm, 'max_value', 'big')).toBe(
      "MaxNorm's max_value must be a number, got 'big'",
    );
  });

  it("a fresh L1L2 is 0.01 both (Keras's own defaults, 0 and 0, would do nothing)", () => {
    expect(ruleText(freshRule('regularizer', 'L1L2'))).toBe('L1L2(l1=0.01, l2=0.01)');
  });
});
