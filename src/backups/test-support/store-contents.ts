import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Services } from "../../app/services.js";
import { baseTables } from "../../store/restore-statements.js";
import { isLiveParam, NOT_BACKED_UP } from "../format.js";

/**
 * Every row of every table a backup holds, as the store returns them (sorted, so two stores'
 * contents compare as plain values): `_params` without the rows of the running installation,
 * `_audit` without the entries backups and restores write about themselves.
 */
export async function storeContents(services: Services): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of (await baseTables(services.store.db, services.store.dialect)).sort()) {
    if (NOT_BACKED_UP.has(table) || table === "sqlite_sequence") continue;
    const result = await sql<Record<string, unknown>>`SELECT * FROM ${sql.ref(table)}`.execute(
      services.store.db,
    );
    let rows = result.rows;
    if (table === "_params") rows = rows.filter((r) => !isLiveParam(String(r.id)));
    if (table === "_audit") rows = rows.filter((r) => !String(r.action).startsWith("backup."));
    out[table] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

/** Every uploaded file (thumbnails and uploads in flight aside) with the SHA-256 of its bytes. */
export async function storedFiles(services: Services): Promise<Record<string, string>> {
  const storage = await services.files.resolve();
  const out: Record<string, string> = {};
  for await (const object of storage.list()) {
    if (object.key.startsWith(".tmp/") || object.key.includes("/thumbs_")) continue;
    const hash = createHash("sha256");
    for await (const chunk of await storage.read(object.key)) hash.update(chunk as Buffer);
    out[object.key] = hash.digest("hex");
  }
  return out;
}
