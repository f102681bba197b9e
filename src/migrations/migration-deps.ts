import type { CollectionRegistry } from "../collections/registry.js";
import type { Store } from "../store/store.js";

/** What running migrations uses of the app. */
export interface MigrationDeps {
  store: Store;
  registry: CollectionRegistry;
}
