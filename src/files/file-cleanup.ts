import type { CollectionRegistry } from "../collections/registry.js";
import type { OutboxEntry } from "../events/outbox.js";
import { fileFields, recordFilenames } from "./record-files.js";
import { type FileStorage, fileKey, recordPrefix, thumbsPrefix } from "./storage.js";

/**
 * Deletes stored files once the write that dropped them has committed: read from the outbox, so
 * it happens after commit whatever the path (single write, batch, cascade, truncate), and never
 * for a rolled-back write. A crash before the event is handled leaves orphans for the startup sweep.
 */
export function fileCleanup(storage: FileStorage, registry: CollectionRegistry) {
  return async (entry: OutboxEntry): Promise<void> => {
    const collection = registry.get(entry.collectionId);
    // A collection without file fields has no files (a dropped collection may still have some).
    if (collection && fileFields(collection).length === 0) return;
    if (entry.action === "delete") {
      await storage.deletePrefix(recordPrefix(entry.collectionId, entry.recordId));
      return;
    }
    if (entry.action !== "update" || !entry.previous || !collection) return;
    const kept = recordFilenames(collection, entry.record);
    for (const name of recordFilenames(collection, entry.previous)) {
      if (kept.has(name)) continue;
      await storage.delete(fileKey(entry.collectionId, entry.recordId, name));
      await storage.deletePrefix(thumbsPrefix(entry.collectionId, entry.recordId, name));
    }
  };
}
