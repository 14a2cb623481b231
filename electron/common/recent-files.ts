/** The Open Recent list: most recent first, no duplicates, bounded, and only files that still exist. */

export const RECENT_LIMIT = 10;

export function addRecent(list: readonly string[], path: string, limit = RECENT_LIMIT): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, limit);
}

/** Parse the stored list, tolerating a missing or corrupt file (it is a convenience, never worth an error). */
export function parseRecent(
  text: string | null | undefined,
  exists: (path: string) => boolean,
  limit = RECENT_LIMIT,
): string[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of parsed) {
    if (typeof item !== 'string' || seen.has(item) || !exists(item)) continue;
    seen.add(item);
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
