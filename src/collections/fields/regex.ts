/**
 * Compiles user-supplied patterns (PocketBase stores Go RE2 syntax, which is mostly a subset of
 * JavaScript's). The `u` flag is tried first so `.` and classes match code points like Go does;
 * patterns that are only valid without it (e.g. `\-` outside a class) still work.
 */
const cache = new Map<string, RegExp | null>();
const CACHE_LIMIT = 500;

export function compilePattern(pattern: string): RegExp | null {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  let compiled: RegExp | null = null;
  for (const flags of ["u", ""]) {
    try {
      compiled = new RegExp(pattern, flags);
      break;
    } catch {
      // try the next flag set
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

export function patternError(pattern: string): string | null {
  for (const flags of ["u", ""]) {
    try {
      new RegExp(pattern, flags);
      return null;
    } catch (error) {
      if (flags === "") return error instanceof Error ? error.message : String(error);
    }
  }
  return null;
}
