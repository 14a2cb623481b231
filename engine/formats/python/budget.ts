/**
 * What a Python model file may make the interpreter do. Each limit is cumulative over the whole program, not per
 * value: `a = [0] * 100000; b = [a] * 100000; c = [b] * 100000; d = c == c` builds lists that share their items,
 * so no single step is large, yet comparing them would take 10^15 steps. Sizes count every item a value holds,
 * shared or not, and every item built, compared or copied is charged to one budget.
 */
import type { ConfigValue } from '../../layers/types';

/** Items in one value, counted through nested lists: far more than any layer argument needs. */
export const MAX_VALUE_ITEMS = 100_000;
/** Lists nested in lists. */
export const MAX_VALUE_DEPTH = 100;
/** All items built, copied or compared by one program. */
export const MAX_WORK = 2_000_000;
/** Expressions evaluated and loop turns taken by one program: ends endless loops and huge ranges. */
export const MAX_STEPS = 1_000_000;
/** Layers one program may make: several times the largest keras.applications model. */
export const MAX_LAYERS = 20_000;
/** Function calls nested in one another: ends runaway recursion long before the JavaScript stack would. */
export const MAX_CALL_DEPTH = 50;

export interface Extent {
  /** Items, counted through nested lists; stops counting just past the limit. */
  items: number;
  depth: number;
}

/** How many items `value` holds through its nested lists, and how deep; stops as soon as either passes its cap. */
export function extentOf(value: ConfigValue, maxItems = MAX_VALUE_ITEMS, maxDepth = MAX_VALUE_DEPTH): Extent {
  if (!Array.isArray(value)) return { items: 1, depth: 0 };
  let items = 0;
  let depth = 0;
  const stack: [ConfigValue[], number][] = [[value, 1]];
  while (stack.length) {
    const [list, d] = stack.pop()!;
    depth = Math.max(depth, d);
    items += list.length;
    if (items > maxItems || depth > maxDepth) return { items, depth };
    for (const v of list) if (Array.isArray(v)) stack.push([v, d + 1]);
  }
  return { items, depth };
}

export type Overrun = { message: string; hint: string };

export class Budget {
  private work = 0;
  private steps = 0;
  /** Set on the first overrun; the interpreter stops there with one error. */
  overrun: Overrun | null = null;

  step(): boolean {
    if (this.overrun) return false;
    if (++this.steps > MAX_STEPS) {
      this.overrun = {
        message: `the code takes more than ${MAX_STEPS.toLocaleString('en-US')} steps to run`,
        hint: 'a model file needs far fewer: look for a loop that never ends or a range that is too large',
      };
      return false;
    }
    return true;
  }

  /** Counts one more layer made; false once the program has made more than MAX_LAYERS. */
  layer(made: number): boolean {
    if (this.overrun) return false;
    if (made >= MAX_LAYERS) {
      this.overrun = {
        message: `the code makes more than ${MAX_LAYERS.toLocaleString('en-US')} layers`,
        hint: 'look for a loop that runs more times than the model has blocks',
      };
      return false;
    }
    return true;
  }

  /** Charges `units` of work (items built, copied or compared); false once the program has used its budget. */
  charge(units: number): boolean {
    if (this.overrun) return false;
    this.work += units;
    if (this.work > MAX_WORK) {
      this.overrun = {
        message: `the code builds or compares more than ${MAX_WORK.toLocaleString('en-US')} list items in all`,
        hint: 'a model file needs only small lists (shapes, sizes); write the values out',
      };
      return false;
    }
    return true;
  }

  /**
   * Whether a value may be made: small enough, shallow enough, and within the budget (its size is charged).
   * Returns null when it may, or why not.
   */
  admit(value: ConfigValue): Overrun | null {
    const extent = extentOf(value);
    if (extent.depth > MAX_VALUE_DEPTH)
      return {
        message: `this value nests lists more than ${MAX_VALUE_DEPTH} levels deep`,
        hint: 'write the value out',
      };
    if (extent.items > MAX_VALUE_ITEMS) {
      return {
        message: `this value would hold more than ${MAX_VALUE_ITEMS.toLocaleString('en-US')} items`,
        hint: 'write the value out',
      };
    }
    return this.charge(extent.items) ? null : this.overrun;
  }
}
