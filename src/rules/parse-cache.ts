import type { Expr } from "./ast.js";
import { LruCache } from "./cache.js";
import { LIMITS } from "./limits.js";
import { parse } from "./parser.js";

const parsed = new LruCache<string, Expr>(LIMITS.cacheEntries);

/** Parses filter text into an immutable tree (cached by text); throws ApiError 400 when invalid. */
export function parseFilter(source: string): Expr {
  const cached = parsed.get(source);
  if (cached) return cached;
  const expr = parse(source);
  parsed.set(source, expr);
  return expr;
}
