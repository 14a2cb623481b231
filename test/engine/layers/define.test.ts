/**
 * `defineLayer` types a layer's config from its field specs, and the engine keeps the promise that makes those
 * types true: the typed methods see only configs that passed the field checks, in their stored form.
 * The type assertions are checked by `tsc` (part of `npm test`); `@ts-expect-error` fails it if a wrong read compiles.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { chainDocument } from '../../../engine/graph/build';
import { infer } from '../../../engine/graph/inference';
import { type ConfigOf, defineLayer } from '../../../engine/layers/define';
import { activationField, pair, paddingField } from '../../../engine/layers/fields';
import { registerLayer } from '../../../engine/layers/registry';

const fields = {
  filters: { type: 'int', default: 8, min: 1, required: true, doc: 'Filters.' },
  seed: { type: 'int', default: null, nullable: true, doc: 'Seed.' },
  rate: { type: 'float', default: 0.5, doc: 'Rate.' },
  mode: { type: 'enum', options: ['fast', 'exact'], default: 'fast', doc: 'Mode.' },
  kernel_size: pair([3, 3], 'Window.'),
  strides: pair(null, 'Step; None means kernel_size.', { nullable: true }),
  padding: paddingField,
  activation: activationField(),
  center: { type: 'bool', default: true, doc: 'Center.' },
  target: { type: 'shape', default: [2, -1], allowInferred: true, doc: 'Target.' },
  batch: { type: 'shape', default: [null, 2], allowNone: true, doc: 'Batch shape.' },
  cropping: {
    type: 'pairs2d',
    default: [
      [0, 0],
      [0, 0],
    ],
    doc: 'Cropping.',
  },
} as const;

describe('the config type defineLayer infers from the field specs', () => {
  type Config = ConfigOf<typeof fields>;

  it('reads numbers, enums, pairs and shapes as their own types, None only where nullable', () => {
    expectTypeOf<Config['filters']>().toEqualTypeOf<number>();
    expectTypeOf<Config['seed']>().toEqualTypeOf<number | null>();
    expectTypeOf<Config['rate']>().toEqualTypeOf<number>();
    expectTypeOf<Config['mode']>().toEqualTypeOf<'fast' | 'exact'>();
    expectTypeOf<Config['kernel_size']>().toEqualTypeOf<[number, number]>();
    expectTypeOf<Config['strides']>().toEqualTypeOf<[number, number] | null>();
    expectTypeOf<Config['padding']>().toEqualTypeOf<'valid' | 'same'>();
    expectTypeOf<Config['activation']>().toExtend<string>();
    expectTypeOf<Config['center']>().toEqualTypeOf<boolean>();
    expectTypeOf<Config['target']>().toEqualTypeOf<number[]>();
    expectTypeOf<Config['batch']>().toEqualTypeOf<(number | null)[]>();
    expectTypeOf<Config['cropping']>().toEqualTypeOf<[[number, number], [number, number]]>();
  });

  it('refuses a key the layer does not have', () => {
    const read = (config: Config) =>
      // @ts-expect-error: no such field
      config.filter;
    expect(read).toBeTypeOf('function');
  });
});

/** Records what the typed methods were given, to prove they see only checked configs. */
const seen: unknown[] = [];
const Probe = defineLayer({
  className: 'DefineProbe',
  group: 'Core',
  description: 'Records the configs its typed methods receive (a test layer).',
  arity: 'one',
  keras: { args: ['filters', 'kernel_size', 'strides'] },
  fields: {
    filters: fields.filters,
    kernel_size: fields.kernel_size,
    strides: fields.strides,
  },
  validate(config) {
    seen.push({ validate: config });
    return config.filters % 2 === 0 ? [] : [{ code: 'odd-filters', message: `filters ${config.filters} is odd` }];
  },
  outputShape(config, [input]) {
    seen.push({ outputShape: config });
    const [kh] = config.kernel_size;
    const [sh] = config.strides ?? config.kernel_size;
    return [input[0], kh * sh * config.filters];
  },
});

describe('a layer made with defineLayer, in the engine', () => {
  let unregister: () => void;
  beforeAll(() => {
    unregister = registerLayer(Probe);
  });
  afterAll(() => unregister());

  const run = (config: Record<string, unknown>) => {
    seen.length = 0;
    return infer(
      chainDocument([
        { className: 'InputLayer', config: { shape: [4] } },
        { className: 'DefineProbe', config },
      ]),
    );
  };

  it('gets its config in stored form: an int kernel_size arrives as a pair', () => {
    const inference = run({ filters: 4, kernel_size: 2 });
    expect(inference.errorCount).toBe(0);
    expect(inference.nodes.get('n1')?.outputShape).toEqual([null, 16]);
    expect(seen).toEqual([
      { validate: { filters: 4, kernel_size: [2, 2], strides: null, trainable: true } },
      { outputShape: { filters: 4, kernel_size: [2, 2], strides: null, trainable: true } },
    ]);
  });

  it('is never called with a config that fails a field check; the field error is reported instead', () => {
    const inference = run({ filters: 'four', kernel_size: [2, 2] });
    expect(seen).toEqual([]);
    expect(inference.problems.map((p) => p.message)).toContain("filters must be an integer, got 'four'");
  });

  it('reaches outputShape only when its own validate passes', () => {
    const inference = run({ filters: 3 });
    expect(seen.map((s) => Object.keys(s as object)[0])).toEqual(['validate']);
    expect(inference.problems.map((p) => p.message)).toContain('filters 3 is odd');
  });
});
