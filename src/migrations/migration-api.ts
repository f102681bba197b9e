import { RecordActions } from "../api/record-actions.js";
import { CollectionService } from "../collections/collection-service.js";
import { CollectionRegistry } from "../collections/registry.js";
import { systemContext } from "../records/request-context.js";
import type { Db, Store } from "../store/store.js";
import type { MigrationApi } from "./define-migration.js";
import type { MigrationDeps } from "./migration-deps.js";

/** Largest page the records API serves; list() walks pages of this size. */
const PAGE = 1000;

/**
 * The API a migration receives, with every service bound to the transaction `tx`: collection
 * changes (DDL included), record writes and raw queries commit or roll back together.
 * A registry of its own sees the migration's uncommitted collections; the server's registry
 * reloads after commit. No hooks run: a migration does the same thing whatever the hooks say.
 */
export async function migrationApi(services: MigrationDeps, tx: Db): Promise<MigrationApi> {
  const store = storeBoundTo(services.store, tx);
  const registry = new CollectionRegistry(store);
  await registry.load();
  const collections = new CollectionService(store, registry);
  const records = new RecordActions(store, registry);
  const ctx = systemContext;
  return {
    db: tx,
    dialect: store.dialect,
    collections: {
      get: (idOrName) => registry.get(idOrName),
      all: () => registry.all(),
      create: (input) => collections.create(input, null),
      update: (idOrName, input) => collections.update(idOrName, input, null),
      delete: (idOrName) => collections.delete(idOrName, null),
    },
    records: {
      create: async (c, data) => (await records.create(c, data, ctx())) as Record<string, unknown>,
      update: async (c, id, data) => (await records.update(c, id, data, ctx())) as Record<string, unknown>,
      delete: async (c, id) => {
        await records.delete(c, id, ctx());
      },
      list: async (c, opts = {}) => {
        const all: Record<string, unknown>[] = [];
        for (let page = 1; ; page++) {
          const query = { page: String(page), perPage: String(PAGE), skipTotal: "1", ...opts };
          const result = await records.list(c, { ...ctx(), query });
          // Only hooks reply with something else, and this service has none.
          const items = "items" in result ? (result.items as Record<string, unknown>[]) : [];
          all.push(...items);
          if (items.length < PAGE) return all;
        }
      },
    },
  };
}

/** The same store, with `db` and `transaction` confined to one open transaction. */
function storeBoundTo(store: Store, tx: Db): Store {
  return {
    dialect: store.dialect,
    db: tx,
    frags: store.frags,
    location: store.location,
    health: store.health,
    queries: store.queries,
    transaction: (fn) => fn(tx),
    schemaChanged: () => store.schemaChanged(),
    close: () => Promise.reject(new Error("a migration cannot close the store")),
  };
}
