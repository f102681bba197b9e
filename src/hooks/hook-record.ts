import { fieldType, isFileField } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { HookRecord } from "./types.js";

/**
 * A record's values seen through get/set. It wraps the very object the write will save, so a
 * hook's `set` before `e.next()` changes what is stored; `changed` tells the writer which fields
 * a hook touched (they are validated and written like the request's own changes).
 */
export class MutableHookRecord implements HookRecord {
  readonly changed = new Set<string>();

  constructor(
    private readonly collection: Collection,
    private readonly values: Record<string, unknown>,
    /** The stored record before this write ({} for a create). */
    private readonly before: Record<string, unknown> = {},
  ) {}

  original(): HookRecord {
    return frozenHookRecord(this.collection.name, this.before);
  }

  get collectionName(): string {
    return this.collection.name;
  }

  get id(): string {
    return String(this.values.id ?? "");
  }

  get(field: string): unknown {
    return this.values[field];
  }

  set(field: string, value: unknown): void {
    const def = this.collection.fields.find((f) => f.name === field);
    if (!def) throw new Error(`${this.collection.name} has no field "${field}"`);
    if (field === "id") throw new Error("a record's id can't be changed by a hook");
    if (fieldType(def).secret) throw new Error("set passwords with e.app.updateRecord(), which hashes them");
    // The same coercion a JSON request body gets, so validation sees the usual shapes.
    this.values[field] = isFileField(def) ? value : fieldType(def).coerce(def, value, "json");
    this.changed.add(field);
  }

  toJSON(): Record<string, unknown> {
    return { ...this.values };
  }
}

/**
 * A read-only view (after-commit events, auth events, `original()`); `before` is what its
 * `original()` shows (the record itself when not given: nothing changed it).
 */
export function frozenHookRecord(
  collectionName: string,
  values: Record<string, unknown>,
  before?: Record<string, unknown>,
): HookRecord {
  const copy = { ...values };
  const record: HookRecord = {
    id: String(copy.id ?? ""),
    collectionName,
    get: (field) => copy[field],
    set: () => {
      throw new Error("this record is already saved: change it with e.app.updateRecord()");
    },
    toJSON: () => ({ ...copy }),
    original: () => (before === undefined ? record : frozenHookRecord(collectionName, before)),
  };
  return record;
}
