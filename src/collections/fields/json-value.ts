/**
 * Checks that an in-memory value is plain JSON data: null, booleans, finite numbers, strings,
 * arrays and plain objects. Iterative so that hostile nesting cannot overflow the stack.
 */

/** SQLite's JSON functions stop at this depth; keeping values within it keeps them queryable. */
export const MAX_JSON_DEPTH = 1000;

export type JsonProblem = "type" | "depth";

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function jsonProblem(root: unknown): JsonProblem | null {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value === "string" || typeof value === "boolean") continue;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return "type";
      continue;
    }
    if (typeof value !== "object") return "type";
    if (depth >= MAX_JSON_DEPTH) return "depth";
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
    } else if (isPlainObject(value)) {
      for (const item of Object.values(value)) stack.push([item, depth + 1]);
    } else {
      return "type";
    }
  }
  return null;
}

const JSON_START = /^[-0-9"[{]/;

/**
 * PocketBase's reading of a json field sent as a form string: keywords and strings that look like
 * JSON (numbers, quoted strings, arrays, objects) are parsed; anything else is the text itself.
 */
export function parseFormJson(text: string): unknown {
  if (text === "null") return null;
  if (text === "true" || text === "false") return text === "true";
  if (JSON_START.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: keep the text
    }
  }
  return text;
}
