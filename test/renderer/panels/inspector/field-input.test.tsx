// An initializer field holding an imported VarianceScaling(…) shows that value, not the first named initializer.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { getLayer } from '../../../../engine/layers/registry';
import { FieldRow } from '../../../../renderer/panels/inspector/FieldInput';

describe('the inspector field of an initializer', () => {
  it('lists a VarianceScaling(…) value as the selected option', () => {
    const spec = getLayer('Conv2D')!.fields.kernel_initializer;
    const value = "VarianceScaling(scale=2, mode='fan_out', distribution='truncated_normal')";
    const html = renderToStaticMarkup(
      createElement(FieldRow, { fieldKey: 'kernel_initializer', spec, value, onCommit: () => {} }),
    );
    expect(html).toContain(
      `<option value="VarianceScaling(scale=2, mode=&#x27;fan_out&#x27;, distribution=&#x27;truncated_normal&#x27;)" selected="">`,
    );
  });
});

describe('the inspector field of a regularizer or constraint', () => {
  const render = (className: string, key: string, value: string | null) =>
    renderToStaticMarkup(
      createElement(FieldRow, { fieldKey: key, spec: getLayer(className)!.fields[key], value, onCommit: () => {} }),
    );

  it('shows the class selected and one box per argument, an axis list as its numbers', () => {
    const html = render('Conv2D', 'kernel_constraint', 'MaxNorm(max_value=3, axis=[0, 1, 2])');
    expect(html).toContain('<option value="MaxNorm" selected="">MaxNorm</option>');
    expect(html).toContain('data-testid="inspector-field-kernel_constraint-max_value" type="text" value="3"');
    expect(html).toContain('data-testid="inspector-field-kernel_constraint-axis" type="text" value="0, 1, 2"');
  });

  it('None selected shows no argument boxes; the classes offered are the ones the engine computes', () => {
    const html = render('Dense', 'kernel_regularizer', null);
    expect(html).toContain('<option value="" selected="">None</option>');
    expect(html).not.toContain('inspector-field-kernel_regularizer-');
    expect([...html.matchAll(/<option value="(\w*)"/g)].map((m) => m[1])).toEqual(['', 'L1', 'L2', 'L1L2']);
  });
});
