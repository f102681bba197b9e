import type { Collection, FieldType, Rule } from "../collections/model.js";
import type { Db } from "../store/store.js";

/** A field as a migration writes it: name and type, plus the options of that type. */
export interface FieldInput {
  id?: string;
  name: string;
  type: FieldType;
  [option: string]: unknown;
}

/**
 * A collection as a migration writes it: the same JSON the collections API takes (auth options
 * flattened onto it, as in PocketBase). Omitted keys keep their current value on update.
 */
export interface CollectionInput {
  id?: string;
  name?: string;
  type?: "base" | "auth" | "view";
  fields?: FieldInput[];
  indexes?: string[];
  listRule?: Rule;
  viewRule?: Rule;
  createRule?: Rule;
  updateRule?: Rule;
  deleteRule?: Rule;
  viewQuery?: string;
  [option: string]: unknown;
}

/** Collections as a migration sees them: every change lands in the migration's transaction. */
export interface MigrationCollections {
  /** By id or (case-insensitive) name. */
  get(idOrName: string): Collection | undefined;
  all(): Collection[];
  create(input: CollectionInput): Promise<Collection>;
  update(idOrName: string, input: CollectionInput): Promise<Collection>;
  delete(idOrName: string): Promise<void>;
}

/** Records as a migration sees them: written with full rights, rules and validation applied. */
export interface MigrationRecords {
  create(collection: string, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  update(collection: string, id: string, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete(collection: string, id: string): Promise<void>;
  /** Every record matching a PocketBase filter (all of them when omitted), in `sort` order. */
  list(collection: string, opts?: { filter?: string; sort?: string }): Promise<Record<string, unknown>[]>;
}

/** What a migration's up() and down() receive. */
export interface MigrationApi {
  collections: MigrationCollections;
  records: MigrationRecords;
  /** The query builder, bound to the migration's transaction. */
  db: Db;
  dialect: "sqlite" | "postgres";
}

export interface Migration {
  up(app: MigrationApi): Promise<void> | void;
  /** Reverts up(); `backroom migrate down` refuses a migration without one. */
  down?(app: MigrationApi): Promise<void> | void;
}

/**
 * Declares a migration (`export default defineMigration({ up, down })`). It returns its argument:
 * its purpose is the types it gives up() and down() in the editor.
 */
export function defineMigration(migration: Migration): Migration {
  return migration;
}
