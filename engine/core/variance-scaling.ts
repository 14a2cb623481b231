/**
 * Keras's general VarianceScaling initializer (keras/src/initializers/random_initializers.py) as LayerCanvas stores
 * it in an initializer field: the Python constructor text, `VarianceScaling(scale=2, mode='fan_out',
 * distribution='untruncated_normal')`, beside the plain names (he_normal, …) it falls back to when one equals it.
 */
export const VS_MODES = ['fan_in', 'fan_out', 'fan_avg'] as const;
export const VS_DISTRIBUTIONS = ['truncated_normal', 'untruncated_normal', 'uniform'] as const;

export interface VarianceScalingArgs {
  scale: number;
  mode: (typeof VS_MODES)[number];
  distribution: (typeof VS_DISTRIBUTIONS)[number];
}

/** Keras's checks and spelling: scale > 0, one of the modes, a distribution in any case with 'normal' for truncated. */
export function varianceScalingArgs(
  scale: unknown,
  mode: unknown,
  distribution: unknown,
): VarianceScalingArgs | string {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0)
    return `VarianceScaling's scale must be a positive number, got ${String(scale)}`;
  if (!VS_MODES.includes(mode as never))
    return `VarianceScaling's mode must be one of ${VS_MODES.join(', ')}, got ${String(mode)}`;
  let d = typeof distribution === 'string' ? distribution.toLowerCase() : distribution;
  if (d === 'normal') d = 'truncated_normal';
  if (!VS_DISTRIBUTIONS.includes(d as never))
    return `VarianceScaling's distribution must be one of ${VS_DISTRIBUTIONS.join(', ')}, got ${String(distribution)}`;
  return { scale, mode: mode as VarianceScalingArgs['mode'], distribution: d as VarianceScalingArgs['distribution'] };
}

export function varianceScalingText({ scale, mode, distribution }: VarianceScalingArgs): string {
  return `VarianceScaling(scale=${scale}, mode='${mode}', distribution='${distribution}')`;
}

const TEXT = /^VarianceScaling\(scale=([^,]+), mode='(\w+)', distribution='(\w+)'\)$/;

/** The arguments of a stored VarianceScaling text, or null when `text` isn't one. */
export function parseVarianceScaling(text: string): VarianceScalingArgs | null {
  const m = TEXT.exec(text);
  if (!m) return null;
  const args = varianceScalingArgs(Number(m[1]), m[2], m[3]);
  return typeof args === 'string' || varianceScalingText(args) !== text ? null : args;
}

/** The named initializers that are VarianceScaling with fixed arguments (keras/src/initializers/random_initializers.py). */
export const NAMED_VARIANCE_SCALING: Readonly<Record<string, VarianceScalingArgs>> = {
  glorot_uniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  glorot_normal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  he_uniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  he_normal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
  lecun_uniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
  lecun_normal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
};

/** The name of the initializer these arguments make, when one has them. */
export function namedVarianceScaling(args: VarianceScalingArgs): string | undefined {
  return Object.keys(NAMED_VARIANCE_SCALING).find((name) => {
    const n = NAMED_VARIANCE_SCALING[name];
    return n.scale === args.scale && n.mode === args.mode && n.distribution === args.distribution;
  });
}
