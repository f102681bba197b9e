/** What `POST /api/sql` answers (PocketBase's shape): every value as text, NULL as null. */
export interface SqlResult {
  execTime: number;
  affectedRows: number;
  columns: { name: string; type: string; nullable: boolean }[];
  rows: (string | null)[][];
}

export interface SqlRunOptions {
  /** Writes (and DDL) are refused unless this is set; reads run in a read-only transaction. */
  allowWrites: boolean;
  maxRows: number;
  timeoutMs: number;
}

/** Thrown for a query the database refused or that ran out of time; the message is the database's. */
export class SqlRunError extends Error {}

/**
 * Splits SQL text into statements at top-level semicolons (not inside quotes, identifiers or
 * comments). Enough for the console; a trigger body's inner semicolons would split it.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const closing: Record<string, string> = { "'": "'", '"': '"', "`": "`", "[": "]" };
  while (i < text.length) {
    const c = text[i] as string;
    if (c in closing) {
      const end = text.indexOf(closing[c] as string, i + 1);
      i = end === -1 ? text.length : end + 1;
    } else if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end + 1;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === ";") {
      statements.push(text.slice(start, i));
      start = ++i;
    } else i++;
  }
  statements.push(text.slice(start));
  return statements
    .map((s) => s.trim())
    .filter((s) => s !== "" && !/^(--[^\n]*\n?|\/\*[\s\S]*?\*\/|\s)*$/.test(s));
}
