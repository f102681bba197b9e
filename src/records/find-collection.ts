import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { notFound } from "../errors/api-error.js";

/** The collection a request or a hook names, or PocketBase's 404. */
export function collectionOrNotFound(registry: CollectionRegistry, idOrName: string): Collection {
  const c = registry.get(idOrName);
  // PocketBase's sentence (apps may look for it), then which collection was asked for.
  if (!c)
    throw notFound(`Missing collection context: no collection ${JSON.stringify(idOrName.slice(0, 100))}.`);
  return c;
}
