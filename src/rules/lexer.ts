import { invalidFilter } from "./errors.js";

export type TokenKind =
  | "identifier"
  | "string"
  | "number"
  | "operator"
  | "and"
  | "or"
  | "lparen"
  | "rparen"
  | "comma";

export interface Token {
  readonly kind: TokenKind;
  /** The identifier/operator text, the unescaped string, or the number's source text. */
  readonly text: string;
  /** 0-based offset in the source, for error messages. */
  readonly pos: number;
}

const OPERATORS = [
  "?!=",
  "?>=",
  "?<=",
  "?!~",
  "!=",
  ">=",
  "<=",
  "!~",
  "?=",
  "?>",
  "?<",
  "?~",
  "=",
  ">",
  "<",
  "~",
];
const IDENT_START = /[A-Za-z_@]/;
// Identifiers carry their whole path (`@request.auth.team.name:lower`) as one token.
const IDENT_PART = /[A-Za-z0-9_.:@]/;
const DIGIT = /[0-9]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (source.startsWith("//", i)) {
      const end = source.indexOf("\n", i);
      i = end < 0 ? source.length : end + 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const [text, next] = readString(source, i, ch);
      tokens.push({ kind: "string", text, pos: i });
      i = next;
      continue;
    }
    const number = /^-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)/.exec(source.slice(i, i + 400));
    if (number && (DIGIT.test(ch) || ch === "." || ch === "-")) {
      const after = source.charAt(i + number[0].length);
      if (after !== "" && IDENT_PART.test(after)) throw invalidFilter(`malformed number at position ${i}`);
      tokens.push({ kind: "number", text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    if (IDENT_START.test(ch)) {
      let end = i + 1;
      while (end < source.length && IDENT_PART.test(source.charAt(end))) end++;
      tokens.push({ kind: "identifier", text: source.slice(i, end), pos: i });
      i = end;
      continue;
    }
    if (source.startsWith("&&", i) || source.startsWith("||", i)) {
      tokens.push({ kind: ch === "&" ? "and" : "or", text: source.slice(i, i + 2), pos: i });
      i += 2;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ kind: ch === "(" ? "lparen" : ch === ")" ? "rparen" : "comma", text: ch, pos: i });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "operator", text: op, pos: i });
      i += op.length;
      continue;
    }
    throw invalidFilter(`unexpected character ${JSON.stringify(ch)} at position ${i}`);
  }
  return tokens;
}

/** Reads a quoted string; a backslash escapes the quote character or another backslash. */
function readString(source: string, start: number, quote: string): [string, number] {
  let out = "";
  let i = start + 1;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (ch === quote) return [out, i + 1];
    if (ch === "\\" && (source.charAt(i + 1) === quote || source.charAt(i + 1) === "\\")) {
      out += source.charAt(i + 1);
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  throw invalidFilter(`unterminated string starting at position ${start}`);
}
