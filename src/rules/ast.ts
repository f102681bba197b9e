/**
 * The filter language's syntax tree. Nodes are plain frozen objects (the parser freezes them) so a
 * cached tree can be shared by every request that uses the same filter text.
 */

export type CompareOp = "=" | "!=" | ">" | ">=" | "<" | "<=" | "~" | "!~";

export const COMPARE_OPS: readonly CompareOp[] = ["=", "!=", ">", ">=", "<", "<=", "~", "!~"];

export type Modifier = "isset" | "changed" | "length" | "each" | "lower";

export const MODIFIERS: readonly Modifier[] = ["isset", "changed", "length", "each", "lower"];

export type MacroName =
  | "now"
  | "yesterday"
  | "tomorrow"
  | "second"
  | "minute"
  | "hour"
  | "weekday"
  | "day"
  | "month"
  | "year"
  | "todayStart"
  | "todayEnd"
  | "monthStart"
  | "monthEnd"
  | "yearStart"
  | "yearEnd";

export type FunctionName = "strftime" | "geoDistance";

export interface StringLiteral {
  readonly kind: "string";
  readonly value: string;
}
export interface NumberLiteral {
  readonly kind: "number";
  readonly value: number;
}
export interface BoolLiteral {
  readonly kind: "bool";
  readonly value: boolean;
}
export interface NullLiteral {
  readonly kind: "null";
}
export interface MacroRef {
  readonly kind: "macro";
  readonly name: MacroName;
}
/** A path on the filtered record: `title`, `author.name`, `comments_via_post.message`, `meta.a.b`. */
export interface FieldRef {
  readonly kind: "field";
  readonly path: readonly string[];
  readonly modifier: Modifier | null;
}
/** `@request.<area>.<path…>`; `method` and `context` have an empty path. */
export interface RequestRef {
  readonly kind: "request";
  readonly area: "auth" | "body" | "query" | "headers" | "method" | "context";
  readonly path: readonly string[];
  readonly modifier: Modifier | null;
}
/** `@collection.<name>[:alias].<path…>`. */
export interface CollectionRef {
  readonly kind: "collection";
  readonly name: string;
  readonly alias: string | null;
  readonly path: readonly string[];
  readonly modifier: Modifier | null;
}
export interface FunctionCall {
  readonly kind: "call";
  readonly name: FunctionName;
  readonly args: readonly Operand[];
}

export type Literal = StringLiteral | NumberLiteral | BoolLiteral | NullLiteral;
export type Operand = Literal | MacroRef | FieldRef | RequestRef | CollectionRef | FunctionCall;

export interface Comparison {
  readonly kind: "compare";
  readonly op: CompareOp;
  /** The `?` prefix: at least one item (instead of every item) must satisfy the comparison. */
  readonly any: boolean;
  readonly left: Operand;
  readonly right: Operand;
}
export interface Logical {
  readonly kind: "and" | "or";
  readonly left: Expr;
  readonly right: Expr;
}

/**
 * `search('cakes')`: the record's searchable fields hold every word of the query (full-text search,
 * see README.md "Search"). A condition of its own, not an operand.
 */
export interface SearchCall {
  readonly kind: "search";
  readonly query: string;
}

export type Expr = Comparison | Logical | SearchCall;

/** Compile-time exhaustiveness check for switches over node kinds. */
export function unreachable(value: never): never {
  throw new Error(`unhandled node: ${JSON.stringify(value)}`);
}
