import { nowDate } from "../../ids.js";
import type { Db } from "../../store/store.js";
import { systemTables } from "../../store/system-tables.js";
import type { ApiKeyScope } from "./scopes.js";

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string;
  created: string;
  created_by: string;
  last_used: string;
  revoked: string;
}

/** A key as listings show it: never the secret nor its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  created: string;
  createdBy: string;
  lastUsed: string;
}

function parseScopesColumn(text: string): ApiKeyScope[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as ApiKeyScope[]) : [];
  } catch {
    return [];
  }
}

const toInfo = (row: ApiKeyRow): ApiKeyInfo => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: parseScopesColumn(row.scopes),
  created: row.created,
  createdBy: row.created_by,
  lastUsed: row.last_used,
});

export async function insertApiKey(
  db: Db,
  key: { id: string; name: string; prefix: string; hash: string; scopes: ApiKeyScope[]; createdBy: string },
): Promise<ApiKeyInfo> {
  const row: ApiKeyRow = {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    hash: key.hash,
    scopes: JSON.stringify(key.scopes),
    created: nowDate(),
    created_by: key.createdBy,
    last_used: "",
    revoked: "",
  };
  await systemTables(db).insertInto("_api_keys").values(row).execute();
  return toInfo(row);
}

/** Keys not revoked, oldest first. */
export async function listActiveApiKeys(db: Db): Promise<ApiKeyInfo[]> {
  const rows = (await systemTables(db)
    .selectFrom("_api_keys")
    .selectAll()
    .where("revoked", "=", "")
    .orderBy("created")
    .orderBy("id")
    .execute()) as ApiKeyRow[];
  return rows.map(toInfo);
}

/** The active key with this hash (one indexed lookup per request that carries a key). */
export async function findActiveApiKey(db: Db, hash: string): Promise<ApiKeyInfo | undefined> {
  const row = (await systemTables(db)
    .selectFrom("_api_keys")
    .selectAll()
    .where("hash", "=", hash)
    .where("revoked", "=", "")
    .executeTakeFirst()) as ApiKeyRow | undefined;
  return row ? toInfo(row) : undefined;
}

/** Marks a key revoked (the row stays for the audit trail); false when no active key has this id. */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const updated = await systemTables(db)
    .updateTable("_api_keys")
    .set({ revoked: nowDate() })
    .where("id", "=", id)
    .where("revoked", "=", "")
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await systemTables(db)
    .updateTable("_api_keys")
    .set({ last_used: nowDate() })
    .where("id", "=", id)
    .execute();
}
