import { invalidFilter } from "./errors.js";
import type { CompareType, Term } from "./ir.js";

type OperandType = "text" | "number" | "bool" | "json" | "null";

export function termType(term: Term): OperandType {
  switch (term.kind) {
    case "literal":
      return literalType(term.values);
    case "path":
      return term.type;
    case "strftime":
      return "text";
    case "geoDistance":
      return "number";
  }
}

/** A literal's type is its first non-null item's JS type; objects and arrays count as text (their JSON). */
function literalType(values: readonly unknown[]): OperandType {
  const value = values.find((v) => v !== null && v !== undefined);
  if (value === undefined) return "null";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  return "text";
}

/**
 * The type a comparison is made in (see README "Types"): a literal takes the other side's type;
 * json takes the other side's type; number and bool meet as numbers; text never meets number/bool.
 */
export function compareType(
  left: Term,
  right: Term,
  isEquality: boolean,
  describe: () => string,
): CompareType {
  const l = termType(left);
  const r = termType(right);
  const lLiteral = left.kind === "literal";
  const rLiteral = right.kind === "literal";
  if (lLiteral && rLiteral) return l === r && l !== "null" && l !== "json" ? l : "text";
  if (lLiteral || rLiteral) {
    const literal = lLiteral ? l : r;
    const other = lLiteral ? r : l;
    if (other === "null") return "text";
    if (other !== "json") return other;
    if (literal === "null") return isEquality ? "empty" : "text";
    return literal === "json" ? "text" : literal;
  }
  if (l === r) {
    if (l === "json")
      throw invalidFilter(`${describe()}: two json values can't be compared, compare one with a literal`);
    return l as CompareType;
  }
  if (l === "json") return r as CompareType;
  if (r === "json") return l as CompareType;
  if ((l === "number" && r === "bool") || (l === "bool" && r === "number")) return "number";
  throw invalidFilter(`${describe()}: a ${l} can't be compared with a ${r}`);
}

/** `~`, `!~` and `:lower` work on text: number and bool fields are refused rather than formatted per dialect. */
export function requireText(term: Term, what: string, describe: () => string): void {
  if (term.kind === "literal") return;
  const type = termType(term);
  if (type === "number" || type === "bool")
    throw invalidFilter(`${describe()}: ${what} needs text, not a ${type}`);
}
