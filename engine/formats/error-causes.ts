/**
 * One message per cause: a model whose 81 layers share one unsupported initializer gets one line naming the count
 * and the first layers, not 81 lines; "not a layer of this model" errors that only follow from a layer that could
 * not be read are folded into that layer's line.
 */
import type { FormatError } from '../core/problems';

/** How many layer names a folded line lists before "…". */
const NAMES_SHOWN = 3;

const KNOCK_ON = /^the input ["'](.+)["'] is not a layer of this model$/;

/**
 * `layerOf` names the layer an error lies in (undefined outside any layer: such errors pass through as they are);
 * `unread` holds the layers that could not be read at all, whose consumers then report their input missing.
 * A folded error keeps the first one's location and path.
 */
export function foldByCause(
  errors: readonly FormatError[],
  layerOf: (error: FormatError) => string | undefined,
  unread: ReadonlySet<string> = new Set(),
): FormatError[] {
  const knockOn = new Map<string, number>();
  const groups = new Map<string, { first: FormatError; layers: string[] }>();
  const order: (FormatError | string)[] = [];
  for (const e of errors) {
    const missing = KNOCK_ON.exec(e.message)?.[1];
    if (missing !== undefined && unread.has(missing)) {
      knockOn.set(missing, (knockOn.get(missing) ?? 0) + 1);
      continue;
    }
    const layer = layerOf(e);
    if (layer === undefined) {
      order.push(e);
      continue;
    }
    const key = `${e.message}\u0000${e.hint ?? ''}`;
    const group = groups.get(key);
    if (group) {
      if (!group.layers.includes(layer)) group.layers.push(layer);
      continue;
    }
    groups.set(key, { first: e, layers: [layer] });
    order.push(key);
  }
  return order.map((item) => {
    if (typeof item !== 'string') return item;
    const { first, layers } = groups.get(item)!;
    const followers = layers.reduce((n, l) => n + (knockOn.get(l) ?? 0), 0);
    const after = followers
      ? `; ${followers} input${followers === 1 ? '' : 's'} fed by ${layers.length === 1 ? 'it' : 'them'} left unconnected`
      : '';
    if (layers.length === 1) return after ? { ...first, message: `${first.message}${after}` } : first;
    const shown = layers.slice(0, NAMES_SHOWN).join(', ') + (layers.length > NAMES_SHOWN ? ', …' : '');
    return { ...first, message: `${layers.length} layers: ${first.message} (layers: ${shown})${after}` };
  });
}
