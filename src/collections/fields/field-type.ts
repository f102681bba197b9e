import type { FieldIssue } from "../../errors/api-error.js";
import type { DialectName } from "../../store/sql-fragments.js";
import type { Collection, Field, FieldType } from "../model.js";

/** What a field type may consult while validating its options when a collection is saved. */
export interface OptionsContext {
  collection: Collection;
  /** Looks a collection up by id or name (for relation targets). */
  getCollection(idOrName: string): Collection | undefined;
}

/** What a field type may consult while validating a value. */
export interface ValueContext {
  /** true on create, false on update. */
  isNew: boolean;
  /** The record's value before this write (update only). */
  previous?: unknown;
  /**
   * Looks a collection up by id or name. Optional: when given, relation fields check ids
   * against the target collection's id pattern instead of the default `[a-z0-9]{15}`.
   */
  getCollection?(idOrName: string): Collection | undefined;
}

/**
 * Where a raw value came from. Multipart forms can only carry strings, so a json field parses
 * a form string as JSON, while the same string in a JSON body is kept as a JSON string.
 */
export type CoerceSource = "json" | "form";

/** Write modifiers from the records API: `field+` (append/add), `+field` (prepend), `field-` (remove/subtract). */
export type Modifier = "append" | "prepend" | "remove";

/**
 * Everything Backroom knows about one field type. Records code never switches on `field.type`;
 * it asks the definition (registered in `fields/index.ts`).
 *
 * In-memory value types: text/email/url/editor/date/autodate/password and single select/relation → string
 * ("" when empty); number → number; bool → boolean; multi select/relation/file → string[];
 * json → any JSON value or null; geoPoint → {lon, lat}.
 */
export interface FieldTypeDef<F extends Field = Field> {
  readonly type: F["type"];
  /** Builds a complete field from API input, filling option defaults (unknown keys dropped). */
  normalize(raw: Record<string, unknown> & { id: string; name: string }): F;
  /** Checks the options of a field on collection save; returns issues keyed by option name. */
  validateOptions(field: F, ctx: OptionsContext): Record<string, FieldIssue>;
  /** Column type + default + nullability for CREATE TABLE / ADD COLUMN (no column name). */
  columnSql(field: F, dialect: DialectName): string;
  /** The value of a field nobody has set. */
  zero(field: F): unknown;
  /**
   * Turns JSON or multipart-form input into the in-memory type where the intent is clear; values it
   * cannot convert are returned unchanged so that `validate` reports them. `source` defaults to "json".
   */
  coerce(field: F, raw: unknown, source?: CoerceSource): unknown;
  /** Applies a write modifier to the current value; undefined when the type has no such modifier. */
  applyModifier?(field: F, current: unknown, modifier: Modifier, operand: unknown): unknown;
  /** Validates a coerced value; returns null when it is acceptable. */
  validate(field: F, value: unknown, ctx: ValueContext): FieldIssue | null;
  /** In-memory value → bound SQL parameter. */
  toDb(field: F, value: unknown, dialect: DialectName): unknown;
  /** Column value from a driver row → in-memory value. */
  fromDb(field: F, raw: unknown, dialect: DialectName): unknown;
}

export type FieldTypeRegistry = { [T in FieldType]: FieldTypeDef<Extract<Field, { type: T }>> };
