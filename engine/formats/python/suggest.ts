/** "Did you mean" for misspelt keywords and layer names. */

const MAX_WORD = 64;

/** Levenshtein distance, case-insensitive, giving up past `limit` (the strings here are short). */
export function editDistance(a: string, b: string, limit = 4): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

/** The candidates closest to `word`, best first: within a third of its length, or sharing its stem. */
export function similar(word: string, candidates: readonly string[], max = 3): string[] {
  // Edit distance is quadratic; no misspelling worth a suggestion is this long.
  if (word.length > MAX_WORD) return [];
  const allowed = Math.max(2, Math.floor(word.length / 3));
  const stem = word.toLowerCase().replace(/\d+d$|s$/, '');
  return candidates
    .filter((c) => c.length <= MAX_WORD)
    .map((c) => ({ c, d: editDistance(word, c, allowed + 1) }))
    .filter(({ c, d }) => d <= allowed || (stem.length >= 4 && c.toLowerCase().startsWith(stem)))
    .sort((p, q) => p.d - q.d || p.c.localeCompare(q.c))
    .slice(0, max)
    .map(({ c }) => c);
}
