import { sql } from "kysely";
import type { Db, Store } from "../store/store.js";
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

  private storedVersion = "";
  private watcher: NodeJS.Timeout | undefined;

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    this.storedVersion = await readCatalogueVersion(this.store.db);
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

  /**
   * Polls the catalogue version so a schema change made through another node (or the CLI) is
   * picked up here within `intervalMs`: one single-row read per interval, not per request.
   */
  watch(intervalMs = 1000): void {
    this.watcher ??= setInterval(() => {
      readCatalogueVersion(this.store.db)
        .then((v) => (v !== this.storedVersion ? this.load() : undefined))
        .catch(() => {}); // a store hiccup: try again next tick
    }, intervalMs);
    this.watcher.unref();
  }

  stopWatching(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
  }
}

const VERSION_PARAM = "collections_version";

async function readCatalogueVersion(db: Db): Promise<string> {
  const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${VERSION_PARAM}`.execute(
    db,
  );
  return rows.rows[0]?.value ?? "";
}

/** Marks the catalogue changed, inside the transaction that changes it. */
export async function bumpCatalogueVersion(tx: Db, version: string): Promise<void> {
  const updated =
    await sql`UPDATE _params SET value = ${version}, updated = ${version} WHERE id = ${VERSION_PARAM}`.execute(
      tx,
    );
  if (Number(updated.numAffectedRows ?? 0) === 0) {
    await sql`INSERT INTO _params (id, value, updated) VALUES (${VERSION_PARAM}, ${version}, ${version})`.execute(
      tx,
    );
  }
}
