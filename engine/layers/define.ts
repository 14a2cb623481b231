/**
 * `defineLayer`: a layer whose config type is read off its field specs, as TF.js types a kernel's attrs, so the
 * layer's code reads `config.filters` as a number and `config.strides` as a pair without casts.
 */
import type { LayerIssue } from '../core/problems';
import type { Shape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import type {
  BackwardResult,
  FieldSpec,
  ForwardCache,
  ForwardResult,
  LayerDefinition,
  OutputShapeResult,
  RunContext,
  WeightMap,
  WeightSpec,
} from './types';

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

type OrNull<F, T> = F extends { nullable: true } ? T | null : T;
type Tuple<N, T> = N extends 1 ? [T] : N extends 2 ? [T, T] : N extends 3 ? [T, T, T] : T[];

/** The value a field holds once the config has passed its checks (validateConfig). */
export type FieldValue<F extends FieldSpec> = F extends { type: 'int' | 'float' }
  ? OrNull<F, number>
  : F extends { type: 'bool' }
    ? boolean
    : F extends { type: 'enum'; options: readonly (infer O)[] }
      ? OrNull<F, O>
      : F extends { type: 'ints'; length: infer N }
        ? OrNull<F, Tuple<N, number>>
        : F extends { type: 'shape'; allowNone: true }
          ? OrNull<F, (number | null)[]>
          : F extends { type: 'shape' }
            ? number[]
            : F extends { type: 'pairs2d' }
              ? [[number, number], [number, number]]
              : F extends { type: 'floats' }
                ? number | number[] | null
                : never;

/** A checked config of a layer with these fields; `trainable` is the field every trainable layer shares. */
export type ConfigOf<F extends FieldSpecs> = { readonly [K in keyof F]: FieldValue<F[K]> } & {
  readonly trainable?: boolean;
};

type Typed = 'fields' | 'validate' | 'outputShape' | 'extraOutputs' | 'weights' | 'forward' | 'backward';

/**
 * A LayerDefinition whose methods that run on a checked config take it typed. `keyArgs`, `activationOf` and
 * `normalize` keep the plain config: the canvas and the importers call them on configs that may not pass yet.
 */
export interface TypedLayerDefinition<F extends FieldSpecs> extends Omit<LayerDefinition, Typed> {
  fields: F;
  validate?(config: ConfigOf<F>): LayerIssue[];
  outputShape(config: ConfigOf<F>, inputs: readonly Shape[]): OutputShapeResult;
  extraOutputs?(config: ConfigOf<F>, inputs: readonly Shape[]): Shape[];
  weights?(config: ConfigOf<F>, inputs: readonly Shape[]): WeightSpec[];
  forward?(ctx: RunContext, config: ConfigOf<F>, inputs: Tensor[], weights: WeightMap): ForwardResult;
  backward?(
    ctx: RunContext,
    config: ConfigOf<F>,
    dy: Tensor,
    cache: ForwardCache,
    dExtra?: readonly (Tensor | undefined)[],
  ): BackwardResult;
}

/**
 * Declares a layer with typed config access. The engine calls the typed methods only with a config that
 * `validateConfig` accepted (inference stops at a config issue; the executor runs only a checked model; the Python
 * importer validates after every field passed `checkValue`), which is what makes the narrowing below sound.
 */
export function defineLayer<const F extends FieldSpecs>(def: TypedLayerDefinition<F>): LayerDefinition {
  return def as unknown as LayerDefinition;
}
