import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import { recordFilenames } from "./record-files.js";
import { type FileStorage, type StoredObject, TEMP_PREFIX } from "./storage.js";
import { TUS_PREFIX } from "./tus/tus-pieces.js";

const HOUR = 60 * 60 * 1000;
const LOOKUP_BATCH = 200;

export interface SweepResult {
  scanned: number;
  removed: string[];
}

/**
 * Removes stored files no record references: uploads a crash left under `.tmp/` (not resumable
 * uploads under `.tmp/tus/`, which expire on their own clock), files placed by
 * a write that never committed, files of deleted records or collections whose after-commit cleanup
 * never ran. Only objects older than the cutoff are touched, so in-flight uploads survive: on a
 * node's own local folder that is this process's start (nothing older can still be in flight);
 * on shared storage, where other nodes upload too, an hour.
 */
export async function sweepOrphans(
  storage: FileStorage,
  registry: CollectionRegistry,
  query: RecordQuery,
  startedAt: Date,
  signal?: AbortSignal,
): Promise<SweepResult> {
  // One backend throughout: storage that follows the settings only knows which one (and whether it
  // is shared) once resolved, and a settings change midway must not send deletes to another one.
  const backend = await storage.resolve();
  const cutoff = backend.shared ? new Date(startedAt.getTime() - HOUR) : startedAt;
  const result: SweepResult = { scanned: 0, removed: [] };
  const remove = async (key: string) => {
    await backend.delete(key);
    result.removed.push(key);
  };
  // Objects of a record are checked together, a batch of records per query.
  let pending: { collectionId: string; objects: StoredObject[] } | undefined;
  const flush = async () => {
    if (!pending) return;
    const { collectionId, objects } = pending;
    pending = undefined;
    for (const key of await unreferenced(registry, query, collectionId, objects)) await remove(key);
  };
  for await (const object of backend.list()) {
    if (signal?.aborted) break;
    result.scanned++;
    if (object.modified >= cutoff) continue;
    // Resumable uploads wait for their client for hours: their own expiry removes them (src/files/tus/).
    if (object.key.startsWith(TUS_PREFIX)) continue;
    if (object.key.startsWith(TEMP_PREFIX)) {
      await remove(object.key);
      continue;
    }
    const collectionId = object.key.split("/")[0] as string;
    if (pending && (pending.collectionId !== collectionId || pending.objects.length >= LOOKUP_BATCH * 4))
      await flush();
    pending ??= { collectionId, objects: [] };
    pending.objects.push(object);
  }
  if (!signal?.aborted) await flush();
  return result;
}

/** Keys among objects (all of one collection) that no record's file fields hold. */
async function unreferenced(
  registry: CollectionRegistry,
  query: RecordQuery,
  collectionId: string,
  objects: StoredObject[],
): Promise<string[]> {
  const collection = registry.get(collectionId);
  if (!collection || collection.id !== collectionId || collection.type === "view")
    return objects.map((o) => o.key);
  const ids = [...new Set(objects.map((o) => o.key.split("/")[1] ?? ""))].filter((id) => id !== "");
  const held = new Map<string, Set<string>>();
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    for (const record of await query.findMany(collection, ids.slice(i, i + LOOKUP_BATCH)))
      held.set(record.id, recordFilenames(collection, record));
  }
  return objects
    .filter((o) => {
      const [, recordId = "", first = "", second, ...deeper] = o.key.split("/");
      const names = held.get(recordId);
      if (!names || deeper.length > 0) return true;
      if (second === undefined) return !names.has(first);
      // A thumb is kept while its original is.
      return !(first.startsWith("thumbs_") && names.has(first.slice("thumbs_".length)));
    })
    .map((o) => o.key);
}
