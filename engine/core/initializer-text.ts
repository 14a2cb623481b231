/**
 * Keras's initializers with number arguments (keras/src/initializers/random_initializers.py, constant_initializers.py)
 * as LayerCanvas stores them in an initializer field: the Python constructor text with every argument, e.g.
 * `RandomNormal(mean=0, stddev=0.02)`. With Keras's default arguments they are the plain names (random_normal, …,
 * Constant(0) is zeros and Constant(1) ones), which stay what is stored.
 */
const PARAMS = {
  RandomNormal: { mean: 0, stddev: 0.05 },
  TruncatedNormal: { mean: 0, stddev: 0.05 },
  RandomUniform: { minval: -0.05, maxval: 0.05 },
  Constant: { value: 0 },
} as const;
export type ArgClass = keyof typeof PARAMS;
export const ARG_CLASSES = Object.keys(PARAMS) as ArgClass[];

export interface ArgInitializer {
  cls: ArgClass;
  args: Record<string, number>;
}

const NAMES: Record<ArgClass, string> = {
  RandomNormal: 'random_normal',
  TruncatedNormal: 'truncated_normal',
  RandomUniform: 'random_uniform',
  Constant: 'zeros',
};

/** Keras's argument names and defaults for `cls`, in constructor order (seed comes after them). */
export const argDefaults = (cls: ArgClass): Readonly<Record<string, number>> => PARAMS[cls];

/** The initializer `cls` with the `given` arguments (defaults filled in), or why one is refused. */
export function argInitializer(cls: ArgClass, given: Record<string, unknown>): ArgInitializer | string {
  const args: Record<string, number> = { ...PARAMS[cls] };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in args)) return `${cls} has no argument ${key} LayerCanvas computes`;
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `${cls}'s ${key} must be a number, got ${String(value)}`;
    args[key] = value;
  }
  if (cls === 'RandomUniform' && !(args.minval < args.maxval))
    return `RandomUniform's minval must be less than maxval, got ${args.minval} and ${args.maxval}`;
  if ((cls === 'RandomNormal' || cls === 'TruncatedNormal') && !(args.stddev > 0))
    return `${cls}'s stddev must be positive, got ${args.stddev}`;
  return { cls, args };
}

/** What an initializer field stores: the plain name where the arguments are Keras's defaults, else the text. */
export function argInitializerValue({ cls, args }: ArgInitializer): string {
  const defaults = PARAMS[cls] as Record<string, number>;
  if (Object.keys(defaults).every((k) => args[k] === defaults[k])) return NAMES[cls];
  if (cls === 'Constant' && args.value === 1) return 'ones';
  return `${cls}(${Object.keys(defaults)
    .map((k) => `${k}=${args[k]}`)
    .join(', ')})`;
}

const TEXT = /^(\w+)\((.*)\)$/;

/** The initializer a stored text names, or null when `text` isn't one (plain names are not texts). */
export function parseArgInitializer(text: string): ArgInitializer | null {
  const m = TEXT.exec(text);
  if (!m || !(ARG_CLASSES as string[]).includes(m[1])) return null;
  const given: Record<string, unknown> = {};
  for (const part of m[2].split(', ')) {
    const [k, v] = part.split('=');
    given[k] = Number(v);
  }
  const r = argInitializer(m[1] as ArgClass, given);
  return typeof r === 'string' || argInitializerValue(r) !== text ? null : r;
}
