/**
 * The value semantics of the filter language in JS. The evaluator uses these directly; the SQL
 * compiler uses them for literals and mirrors them in SQL (see to-sql.ts) for columns.
 */
import { unreachable } from "./ast.js";
import type { BaseOp, CompareType, ValueType } from "./ir.js";

export type Scalar = string | number | boolean;

/** Converts a literal (any JS value, null included) to the comparison type. */
export function coerceLiteral(value: unknown, type: CompareType): Scalar {
  switch (type) {
    case "text":
      if (value === null || value === undefined) return "";
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      return JSON.stringify(value);
    case "number":
      if (typeof value === "number") return Number.isFinite(value) ? value : 0;
      if (typeof value === "boolean") return value ? 1 : 0;
      if (typeof value === "string" && value.trim() !== "") {
        const n = Number(value);
        return Number.isFinite(n) ? n : 0;
      }
      return 0;
    case "bool":
      if (typeof value === "boolean") return value;
      if (typeof value === "number") return value !== 0;
      if (typeof value === "string") return value.toLowerCase() === "true" || value === "1";
      return false;
    case "empty":
      return isEmptyJson(value);
    default:
      return unreachable(type);
  }
}

/**
 * Converts a stored value of `from` type to the comparison type. `undefined` stands for "no value"
 * (an empty set, a missing relation target, a missing json key) and becomes the type's zero value.
 * JSON values convert only when their JSON type matches: a json number is never text.
 */
export function coerceStored(value: unknown, from: ValueType, type: CompareType): Scalar {
  if (from === "json") {
    switch (type) {
      case "text":
        return typeof value === "string" ? value : "";
      case "number":
        return typeof value === "number" && Number.isFinite(value) ? value : 0;
      case "bool":
        return value === true;
      case "empty":
        return isEmptyJson(value);
      default:
        return unreachable(type);
    }
  }
  if (value === undefined || value === null) return coerceLiteral(null, type);
  if (from === "bool" && type === "number") return value === true ? 1 : 0;
  return coerceLiteral(value, type);
}

export function isEmptyJson(value: unknown): boolean {
  return value === null || value === undefined || value === "";
}

/** Applies a comparison operator to two values already converted to `type`. */
export function compareScalars(op: BaseOp, a: Scalar, b: Scalar, type: CompareType): boolean {
  const order = type === "text" ? compareCodePoints(String(a), String(b)) : Math.sign(Number(a) - Number(b));
  switch (op) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    default:
      return unreachable(op);
  }
}

/** Byte order of the UTF-8 encodings (what SQLite BINARY and PostgreSQL COLLATE "C" use). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (code points ≥ 0x10000) below 0xE000–0xFFFF; UTF-8 puts them above.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/** ASCII-only lower-casing, as SQLite's lower() does without ICU. */
export function lowerAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * The LIKE pattern for a literal `~` operand: `%` the user wrote stays a wildcard, and without one
 * the text is wrapped in `%…%`; `_` and `\` always match themselves (escape character `\`).
 */
export function likePatternFromLiteral(text: string): string {
  const escaped = text.replace(/[\\_]/g, (c) => `\\${c}`);
  return lowerAscii(text.includes("%") ? escaped : `%${escaped}%`);
}

/** The LIKE pattern for a non-literal operand: its text matches itself anywhere in the value. */
export function likePatternFromValue(text: string): string {
  return lowerAscii(`%${text.replace(/[\\_%]/g, (c) => `\\${c}`)}%`);
}

/** ASCII case-insensitive LIKE with `\` as escape character and no `_` wildcard left unescaped. */
export function likeMatch(value: string, pattern: string): boolean {
  let regex = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === "\\" && i + 1 < pattern.length) {
      regex += escapeRegex(pattern.charAt(++i));
    } else if (ch === "%") {
      regex += "[\\s\\S]*";
    } else if (ch === "_") {
      regex += "[\\s\\S]";
    } else {
      regex += escapeRegex(ch);
    }
  }
  return new RegExp(`^${regex}$`, "u").test(lowerAscii(value));
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}
