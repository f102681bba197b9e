/**
 * The resolved form of a filter: every name looked up, every @request value and macro known, every
 * comparison typed. The SQL compiler and the in-memory evaluator both interpret this form, which
 * is what keeps them in agreement.
 */
import type { Collection, Field } from "../collections/model.js";
import type { SearchDefinition, SearchWord } from "../collections/search-types.js";
import type { DateModifier, StrftimePiece } from "../store/sql-fragments.js";
import type { CompareOp } from "./ast.js";

/** How a value is held: text-like, number, bool, or json (any JSON value / NULL). */
export type ValueType = "text" | "number" | "bool" | "json";
/** What both sides of a comparison are converted to; "empty" is the json `= null` test. */
export type CompareType = "text" | "number" | "bool" | "empty";
export type Quantifier = "all" | "any";

/**
 * The rows of a collection a client's filter may see when it steps into it (visibility.ts): null
 * for every row, else a condition over one row (paths in it start at that row).
 */
export type Visible = Cond | null;

/** A shared `@collection.x` row: chosen by an `exists` node, read by `binding` starts. */
export interface Binding {
  id: number;
  collection: Collection;
  visible: Visible;
}

/** Where a path starts. */
export type Start =
  | { kind: "record"; collection: Collection }
  /** A row of `@collection.x` shared by every `?`-comparison of the filter (see `exists`). */
  | { kind: "binding"; id: number; collection: Collection }
  /** Every (visible) row of `@collection.x` (plain operators: all rows must match). */
  | { kind: "scan"; collection: Collection; visible: Visible }
  /** A record known at compile time (the authenticated record) that the path leaves through a relation. */
  | { kind: "literalRow"; collection: Collection; row: Record<string, unknown> };

/**
 * A step to other rows through a field that refers to records (its type's `reference`); rows
 * that are not `visible` read as missing.
 */
export type Hop =
  /** `multi`: the field holds a list of ids. */
  | { kind: "relation"; field: Field; target: Collection; multi: boolean; visible: Visible }
  /**
   * `<source>_via_<field>`: rows of `source` whose relation `field` holds the current id (`multi`
   * is always true: many rows may; `listField`: the field holds a list of ids).
   */
  | { kind: "back"; source: Collection; field: Field; multi: true; listField: boolean; visible: Visible };

export type Leaf =
  | { kind: "column"; field: Field; type: "text" | "number" | "bool" }
  /** The items of a multi-valued field (JSON array of strings). */
  | { kind: "items"; field: Field }
  | { kind: "length"; field: Field }
  /** A json field, or a key path inside it. */
  | { kind: "json"; field: Field; path: readonly (string | number)[] }
  /** `.lon` / `.lat` of a geoPoint field. */
  | { kind: "geo"; field: Field; coord: "lon" | "lat" }
  /** An auth record's email as non-superusers see it: "" unless visible or their own. */
  | { kind: "email"; field: Field; viewerId: string };

export interface LiteralTerm {
  kind: "literal";
  /** Plain JS values; a multi literal (a body array) holds one entry per item. */
  values: readonly unknown[];
  multi: boolean;
}
export interface PathTerm {
  kind: "path";
  start: Start;
  hops: readonly Hop[];
  leaf: Leaf;
  type: ValueType;
  /** True when the path can yield several values (multi relation, back-relation, scan, multi field). */
  multi: boolean;
}
export interface StrftimeTerm {
  kind: "strftime";
  format: string;
  pieces: readonly StrftimePiece[];
  value: Term;
  modifiers: readonly DateModifier[];
}
export interface GeoDistanceTerm {
  kind: "geoDistance";
  args: readonly [Term, Term, Term, Term];
}
export type Term = LiteralTerm | PathTerm | StrftimeTerm | GeoDistanceTerm;

export interface Side {
  term: Term;
  quantifier: Quantifier;
}

export type BaseOp = Exclude<CompareOp, "~" | "!~">;

export type Cond =
  | { kind: "const"; value: boolean }
  | { kind: "and" | "or"; left: Cond; right: Cond }
  | { kind: "compare"; op: BaseOp; type: CompareType; lower: boolean; left: Side; right: Side }
  /** `~` / `!~`: `value` contains `pattern` (a literal pattern keeps its own `%` wildcards). */
  | { kind: "like"; negate: boolean; value: Side; pattern: Side }
  /** `search()`: the row of `collection` has every word in its search index. */
  | { kind: "search"; collection: Collection; def: SearchDefinition; words: readonly SearchWord[] }
  /** Some visible row of `binding`'s collection (or, when none is, an empty row) makes `body` true. */
  | { kind: "exists"; binding: Binding; body: Cond };
