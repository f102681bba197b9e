import type { Store } from "../store/store.js";
import type { Collection } from "./model.js";

/**
 * The in-memory catalogue of collections, loaded from `_collections`. A collection object is
 * immutable and replaced on every change, so anything derived from it (parsed rules, compiled
 * validators) can be cached per object (a WeakMap) and is dropped with the old version.
 */
export class CollectionRegistry {
  private byId = new Map<string, Collection>();
  private byName = new Map<string, Collection>();
  /** Bumped on every reload; cheap to compare for callers that cache by version. */
  version = 0;

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    const rows = await this.store.db.selectFrom("_collections").select(["data"]).execute();
    const byId = new Map<string, Collection>();
    const byName = new Map<string, Collection>();
    for (const row of rows) {
      const collection = Object.freeze(JSON.parse(String(row.data))) as Collection;
      byId.set(collection.id, collection);
      byName.set(collection.name.toLowerCase(), collection);
    }
    this.byId = byId;
    this.byName = byName;
    this.version++;
  }

  /** Finds a collection by id or (case-insensitive) name. */
  get(idOrName: string): Collection | undefined {
    return this.byId.get(idOrName) ?? this.byName.get(idOrName.toLowerCase());
  }

  all(): Collection[] {
    return [...this.byId.values()];
  }
}
