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
