/**
 * "Did you mean" for mistyped commands and options: the closest known name by edit distance
 * (insertions, deletions, substitutions and swaps of adjacent letters), when it is close enough
 * to be a typo rather than a different word.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(typed, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  // One edit for short names, up to a third of the name for longer ones; a prefix of three or
  // more letters (`sim` for `simulate`) counts too.
  const allowed = Math.max(1, Math.floor(best.length / 3));
  if (bestDistance <= allowed) return best;
  if (typed.length >= 3) {
    const prefixed = [...candidates].filter((c) => c.toLowerCase().startsWith(typed));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
