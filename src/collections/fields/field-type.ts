import type { FieldIssue } from "../../errors/api-error.js";
import type { DialectName } from "../../store/sql-fragments.js";

/**
 * The keys every field has, whatever its type. This folder is the bottom of the collection model:
 * it imports nothing from `collections/`, and `collections/model.ts` builds `Collection` on it.
 */
export interface FieldCommon {
  /** Stable id: survives renames, so a schema change can tell a rename from a drop+add. */
  id: string;
  name: string;
  type: string;
  system: boolean;
  /** Hidden fields are never returned to non-superusers and cannot be filtered on by them. */
  hidden: boolean;
  presentable: boolean;
  required: boolean;
}

/** What field types read of a collection (the full model is `collections/model.ts`). */
export interface FieldCollection {
  id: string;
  name: string;
  type: "base" | "auth" | "view";
  fields: readonly FieldCommon[];
}

/** What a field type may consult while validating its options when a collection is saved. */
export interface OptionsContext {
  collection: FieldCollection;
  /** Looks a collection up by id or name (for relation targets). */
  getCollection(idOrName: string): FieldCollection | undefined;
}

/** What a field type may consult while validating a value. */
export interface ValueContext {
  /** true on create, false on update. */
  isNew: boolean;
  /** Whether this write set the field (its body, or a hook). Absent: treated as set. */
  changed?: boolean;
  /** The record's value before this write (update only). */
  previous?: unknown;
  /**
   * Looks a collection up by id or name. Optional: when given, relation fields check ids
   * against the target collection's id pattern instead of the default `[a-z0-9]{15}`.
   */
  getCollection?(idOrName: string): FieldCollection | undefined;
}

/** What a type's `onWrite` sees: the write it is part of. */
export interface WriteContext {
  isNew: boolean;
  /** The write's time (PocketBase's date layout), one value for every field of the record. */
  now: string;
}

/** What a type's `beforeStore` may use; the records layer passes it (fields import no auth code). */
export interface StoreContext {
  hashPassword(plain: string): Promise<string>;
}

/**
 * Where a raw value came from. Multipart forms can only carry strings, so a json field parses
 * a form string as JSON, while the same string in a JSON body is kept as a JSON string.
 */
export type CoerceSource = "json" | "form";

/** Write modifiers from the records API: `field+` (append/add), `+field` (prepend), `field-` (remove/subtract). */
export type Modifier = "append" | "prepend" | "remove";

/**
 * How a field's column holds its values, as data: `store/schema/column-sql.ts` turns it into
 * DDL for each dialect. Text is `''`-defaulted and NOT NULL (byte-ordered on PostgreSQL), numbers
 * default to 0, bools to false; json columns hold `default` (spliced in as JSON text), or are
 * nullable when it is null.
 */
export type ColumnSpec =
  | { storage: "text"; primaryKey?: boolean }
  | { storage: "number" }
  | { storage: "bool" }
  | { storage: "json"; default: unknown };

/**
 * How the filter language reads a field (`rules/resolve-path.ts`): one value compared as text,
 * number or bool; a list of strings (any/each item, `:length`); a JSON value (key paths); a point
 * (`.lon` / `.lat`); or nothing a filter may use.
 */
export type FilterSpec =
  | { kind: "scalar"; compare: "text" | "number" | "bool" }
  | { kind: "list" }
  | { kind: "json" }
  | { kind: "point" }
  | { kind: "none" };

/** The record a field's value points at, for types that refer to other records (relation). */
export interface Reference {
  collectionId: string;
  /** Whether the value is a list of ids. */
  multi: boolean;
  /** Whether deleting the referenced record deletes this one too. */
  cascadeDelete: boolean;
}

/**
 * Which wire shape a projection describes: a record as the API returns it, a create body, or an
 * update body (where every key is optional).
 */
export type Shape = "read" | "create" | "update";

/** A JSON Schema (2020-12) object. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Everything Backroom knows about one field type. Code outside this folder never switches on
 * `field.type`; it asks the definition (registered in `fields/index.ts`).
 *
 * In-memory value types: text/email/url/editor/date/autodate/password and single select/relation → string
 * ("" when empty); number → number; bool → boolean; multi select/relation/file → string[];
 * json → any JSON value or null; geoPoint → {lon, lat}.
 */
export interface FieldTypeDef<F extends FieldCommon> {
  readonly type: F["type"];
  /** Builds a complete field from API input, filling option defaults (unknown keys dropped). */
  normalize(raw: Record<string, unknown> & { id: string; name: string }): F;
  /** Checks the options of a field on collection save; returns issues keyed by option name. */
  validateOptions(field: F, ctx: OptionsContext): Record<string, FieldIssue>;
  /** How the column stores the field (the store writes the DDL). */
  column(field: F): ColumnSpec;
  /** The value of a field nobody has set. */
  zero(field: F): unknown;
  /** Whether values are lists (multi select, relation, file); absent means never. */
  multiValued?(field: F): boolean;
  /**
   * Turns JSON or multipart-form input into the in-memory type where the intent is clear; values it
   * cannot convert are returned unchanged so that `validate` reports them. `source` defaults to "json".
   */
  coerce(field: F, raw: unknown, source?: CoerceSource): unknown;
  /** Applies a write modifier to the current value; undefined when the type has no such modifier. */
  applyModifier?(field: F, current: unknown, modifier: Modifier, operand: unknown): unknown;
  /** Validates a coerced value; returns null when it is acceptable. */
  validate(field: F, value: unknown, ctx: ValueContext): FieldIssue | null;
  /**
   * Clients never set this type's values (autodate): their input is dropped, and create and update
   * bodies leave the field out.
   */
  readonly serverSet?: boolean;
  /** The value never leaves the server (password): absent from API output, whoever asks. */
  readonly secret?: boolean;
  /**
   * Before validation, on every create and update: a value the server sets itself (autodate's
   * time, text's autogenerated value), or undefined to keep `value`.
   */
  onWrite?(field: F, value: unknown, ctx: WriteContext): unknown;
  /** After validation, for a value this write set: the form to store (password → its hash). */
  beforeStore?(field: F, value: unknown, ctx: StoreContext): Promise<unknown>;
  /** In-memory value → bound SQL parameter. */
  toDb(field: F, value: unknown, dialect: DialectName): unknown;
  /** Column value from a driver row → in-memory value. */
  fromDb(field: F, raw: unknown, dialect: DialectName): unknown;
  /** How filters and rules read the field. */
  filter(field: F): FilterSpec;
  /** The records the value points at (relation); absent for types that hold their own data. */
  reference?(field: F): Reference;
  /** The same field pointing at another collection (by id or name); with `reference`. */
  retarget?(field: F, collectionId: string): F;
  /** Whether a create body must carry the field; absent means `field.required`. */
  requiredOnCreate?(field: F): boolean;
  /**
   * The GraphQL type (SDL) of the value in `shape`, or undefined when the shape leaves the field
   * out. Read types are non-null (an unset field reads as its zero value) except JSON; input types
   * are all nullable: the write path checks required values with its own per-field error codes.
   * The schema declares `JSON`, `GeoPoint` and `GeoPointInput` (`src/graphql/`).
   */
  graphqlType(field: F, shape: Shape): string | undefined;
  /**
   * The TypeScript type of the value in `shape` (typegen), or undefined when the shape leaves the
   * field out (a password is never read, an autodate never written). `GeoPoint` is declared by
   * the generated file.
   */
  tsType(field: F, shape: Shape): string | undefined;
  /**
   * The JSON Schema (2020-12) of the value in `shape`, or undefined when the shape leaves the field
   * out. Create and update schemas describe JSON bodies (file fields: the multipart parts).
   */
  jsonSchema(field: F, shape: Shape): JsonSchema | undefined;
}
