import { sql } from "kysely";
import { ApiError } from "../errors/api-error.js";
import { bumpParamVersion, readParamVersionHeld } from "../store/param-versions.js";
import { FreshValue } from "../store/postgres/fresh-value.js";
import type { Db, Store } from "../store/store.js";
import { systemTables } from "../store/system-tables.js";
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
  private readonly changedElsewhere = new Set<() => Promise<void> | void>();

  constructor(private readonly store: Store) {}

  /**
   * Reads the catalogue and its version and puts both in place together. Loads run one at a time
   * (a schema change's own reload and a reload for another node's change can be asked for at
   * once): two overlapping loads could otherwise leave this node with the newer version and the
   * older definitions, and writes would pass the version check against a stale collection.
   */
  load(): Promise<void> {
    const run = this.loading.catch(() => {}).then(() => this.loadOnce());
    this.loading = run;
    return run;
  }

  private loading: Promise<void> = Promise.resolve();

  private async loadOnce(): Promise<void> {
    // The version first: the rows read after it are at least as new, so a version that looks
    // current never comes with older definitions.
    const storedVersion = await readCatalogueVersion(this.store.db);
    const rows = await systemTables(this.store.db).selectFrom("_collections").select(["data"]).execute();
    const byId = new Map<string, Collection>();
    const byName = new Map<string, Collection>();
    for (const row of rows) {
      const collection = Object.freeze(JSON.parse(String(row.data))) as Collection;
      byId.set(collection.id, collection);
      byName.set(collection.name.toLowerCase(), collection);
    }
    this.storedVersion = storedVersion;
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

  /** The catalogue version this node has loaded (the `_params` stamp read with it). */
  get loadedVersion(): string {
    return this.storedVersion;
  }

  /**
   * Loads the catalogue again when `committed` (a catalogue version just read from the store)
   * isn't the one loaded. Callers that see the same move at once share one reload.
   */
  refreshIfMoved(committed: string): Promise<void> | undefined {
    if (committed === this.storedVersion) return undefined;
    return this.reload.get();
  }

  /**
   * A reload that starts after the call (one already running may have read the catalogue before
   * the change the caller saw committed); callers arriving together share one.
   */
  private readonly reload = new FreshValue(async () => {
    // Another node's DDL may have changed what cached statements return.
    this.store.schemaChanged();
    await this.load();
    for (const listener of this.changedElsewhere) await listener();
  });

  /** Reads the committed catalogue version and reloads when it moved. */
  async refresh(): Promise<void> {
    await this.refreshIfMoved(await readCatalogueVersion(this.store.db));
  }

  /**
   * Inside a write's transaction: throws {@link CatalogueMovedError} unless `collection` is the
   * definition committed now. The version stays held until the transaction ends (see
   * readParamVersionHeld), so a schema change can't commit in between either.
   */
  async assertCurrent(tx: Db, collection: Collection): Promise<void> {
    const committed = await readParamVersionHeld(tx, this.store.dialect, VERSION_PARAM, "share");
    if (committed !== this.storedVersion || this.byId.get(collection.id) !== collection) {
      throw new CatalogueMovedError();
    }
  }

  /**
   * First thing in a schema change's transaction: takes the catalogue version for this change
   * (writes in flight finish first, new ones wait for the change) and throws
   * {@link CatalogueMovedError} when the change was prepared against an older catalogue.
   */
  async lockForChange(tx: Db): Promise<void> {
    const committed = await readParamVersionHeld(tx, this.store.dialect, VERSION_PARAM, "update");
    if (committed !== this.storedVersion) throw new CatalogueMovedError();
  }

  /** Hears of catalogue changes made by another node or process, once they are loaded here. */
  onChangedElsewhere(listener: () => Promise<void> | void): void {
    this.changedElsewhere.add(listener);
  }
}

/**
 * A write or schema change was prepared against a collection definition that another change
 * replaced before it could commit: the caller reloads and runs it again, or reports the conflict.
 */
export class CatalogueMovedError extends ApiError {
  constructor() {
    super(409, "The collection changed while this request ran; send it again.");
  }
}

/** The `_params` row holding the catalogue version (also read by `FreshDefinitions`). */
export const VERSION_PARAM = "collections_version";

async function readCatalogueVersion(db: Db): Promise<string> {
  const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${VERSION_PARAM}`.execute(
    db,
  );
  return rows.rows[0]?.value ?? "";
}

/** Marks the catalogue changed, inside the transaction that changes it. */
export function bumpCatalogueVersion(tx: Db, version: string): Promise<void> {
  return bumpParamVersion(tx, VERSION_PARAM, version);
}
