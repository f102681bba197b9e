import { type ApiError, badRequest } from "./api-error.js";

/** Where a JSON text stops being valid: a 0-based offset and the 1-based line and column. */
export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX = /^[0-9a-fA-F]{4}$/;

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

/**
 * Finds the first offset at which `text` is not valid JSON, or null when it is. Called only after
 * JSON.parse failed: V8's messages name a position for some mistakes and not for others (a trailing
 * comma in a list, `NaN`, a single quote), and their wording changes between Node versions. A
 * small scanner with its own stack (no recursion, so any nesting depth is safe) says where, always.
 */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  };
  const digits = (): boolean => {
    const start = i;
    while (isDigit(text[i])) i++;
    return i > start;
  };
  // Loops by hand, not regular expressions: a 30 MB string must not exhaust the regexp engine.
  const number = (): boolean => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else if (!digits()) return false;
    if (text[i] === ".") {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!digits()) return false;
    }
    return true;
  };
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined || c < " ") return false;
      if (c === '"') break;
      if (c === "\\") {
        const e = text[i + 1];
        if (e === "u" && HEX.test(text.slice(i + 2, i + 6))) i += 6;
        else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else return false;
      } else i++;
    }
    i++;
    return true;
  };
  /** A scalar, or the opening of a container (pushed); false where no value can start. */
  const stack: ("{" | "[")[] = [];
  const valueStart = (): boolean => {
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push(c);
      i++;
      return true;
    }
    if (c === '"') return string();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    return number();
  };

  skip();
  if (!valueStart()) return i;
  // After an opening bracket: `]`/`}` may close it at once, else a member or element follows.
  let justOpened = stack.length > 0;
  while (stack.length > 0) {
    skip();
    const top = stack[stack.length - 1];
    const close = top === "{" ? "}" : "]";
    if (text[i] === close && justOpened) {
      stack.pop();
      i++;
      justOpened = false;
      continue;
    }
    if (!justOpened) {
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ",") return i;
      i++;
      skip();
    }
    if (top === "{") {
      if (!string()) return i;
      skip();
      if (text[i] !== ":") return i;
      i++;
      skip();
    }
    const depth = stack.length;
    if (!valueStart()) return i;
    justOpened = stack.length > depth;
  }
  skip();
  return i < text.length ? i : null;
}

/** The offset as line and column (both from 1), counting `\n` as the line break. */
export function jsonErrorPosition(text: string): JsonErrorPosition | null {
  const offset = jsonErrorOffset(text);
  if (offset === null) return null;
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < offset; at = text.indexOf("\n", at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** A 400 saying where `text` (named by `what`) stops being JSON: "… is not valid JSON (line 2, column 7)." */
export function invalidJson(what: string, text: string): ApiError {
  const at = jsonErrorPosition(text);
  return badRequest(
    at ? `${what} is not valid JSON (line ${at.line}, column ${at.column}).` : `${what} is not valid JSON.`,
  );
}
