import type { RawBuilder } from "kysely";
import { sql } from "kysely";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Validates and double-quotes an identifier (both dialects accept "…"). */
export function quoteIdent(name: string): string {
  if (!IDENT.test(name) || name.length > 63) throw new Error(`invalid identifier "${name}"`);
  return `"${name}"`;
}

export const ident = (name: string): RawBuilder<unknown> => sql.raw(quoteIdent(name));
