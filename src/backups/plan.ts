import { fieldType } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { SnapshotColumn, SnapshotTable, StoreSnapshot } from "../store/snapshot.js";

/** The kinds of a collection table's columns, from its fields (SQLite alone can't tell a bool from an integer). */
export function collectionColumns(collection: Collection): SnapshotColumn[] {
  return collection.fields.map((f) => ({
    name: f.name,
    kind: fieldType(f).column(f).storage,
  }));
}

/** The catalogue as the snapshot holds it. */
export async function catalogueOf(snapshot: StoreSnapshot, tables: SnapshotTable[]): Promise<Collection[]> {
  if (!tables.some((t) => t.name === "_collections")) throw new Error("the store has no _collections table");
  const collections: Collection[] = [];
  for await (const batch of snapshot.rows("_collections", [{ name: "data", kind: "text" }]))
    for (const [data] of batch) collections.push(JSON.parse(String(data)) as Collection);
  return collections.sort((a, b) => a.name.localeCompare(b.name));
}

export interface TablePlan {
  tables: (SnapshotTable & { kind: "system" | "collection" })[];
  skipped: string[];
}

/**
 * Which tables go into a backup: Backroom's own (`_…`, except `excluded`) as they are, then one per
 * base/auth collection with the columns its fields define. Anything else (tables made by raw SQL)
 * is left out and named in the manifest.
 */
export function planTables(
  tables: SnapshotTable[],
  collections: Collection[],
  excluded: Set<string>,
): TablePlan {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const collectionNames = new Set(collections.map((c) => c.name));
  const plan: TablePlan = { tables: [], skipped: [] };
  for (const table of [...tables].sort((a, b) => a.name.localeCompare(b.name))) {
    if (collectionNames.has(table.name) || excluded.has(table.name)) continue;
    if (table.name.startsWith("_")) plan.tables.push({ ...table, kind: "system" });
    else plan.skipped.push(table.name);
  }
  for (const collection of collections) {
    if (collection.type === "view") continue;
    if (!byName.has(collection.name))
      throw new Error(`the table of collection "${collection.name}" is missing`);
    plan.tables.push({ name: collection.name, columns: collectionColumns(collection), kind: "collection" });
  }
  return plan;
}
