import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import { nowDate } from "../ids.js";
import type { Db, Store } from "../store/store.js";

/** How long a first-run setup link works. */
export const SETUP_TOKEN_TTL_MS = 30 * 60 * 1000;
/** Rows in `_params` named `adminSetup:<sha256 of the token>`: any node can check a token another printed. */
const KEY_PREFIX = "adminSetup:";

const keyOf = (token: string) => KEY_PREFIX + createHash("sha256").update(token).digest("hex");

/**
 * Serializes first-run setups across nodes: an upsert of one fixed row holds its row lock until
 * the caller's transaction ends, so a second setup (another node's link, used at the same moment)
 * waits, then sees the first one's superuser and is refused. SQLite's writer lock does the same.
 */
export async function lockSetup(tx: Db): Promise<void> {
  await sql`INSERT INTO _params (id, value, updated) VALUES ('adminSetupLock', '{}', ${nowDate()})
    ON CONFLICT (id) DO UPDATE SET updated = excluded.updated`.execute(tx);
}

/** Whether the store holds no superuser yet (a fresh install). */
export async function noSuperuserYet(db: Db): Promise<boolean> {
  const rows = await sql<{ id: string }>`SELECT id FROM _superusers LIMIT 1`.execute(db);
  return rows.rows.length === 0;
}

/**
 * Creates a one-time setup token and stores only its hash with its expiry (in the database, not
 * in this process: with several nodes, the link one node prints works on whichever node answers).
 * Expired tokens of earlier starts are removed on the way.
 */
export async function issueSetupToken(store: Store, now = Date.now()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const expires = new Date(now + SETUP_TOKEN_TTL_MS).toISOString();
  await store.transaction(async (tx) => {
    await removeExpired(tx, now);
    await sql`INSERT INTO _params (id, value, updated) VALUES (${keyOf(token)}, ${JSON.stringify({ expires })}, ${nowDate()})`.execute(
      tx,
    );
  });
  return token;
}

export type SetupTokenState = "valid" | "unknown" | "expired";

/**
 * Uses up a token inside the caller's transaction: the row is deleted, so it works once even
 * when two requests race (only one DELETE affects the row). A rollback of the caller's
 * transaction (say, the new superuser failed validation) gives the token back.
 */
export async function consumeSetupToken(tx: Db, token: string, now = Date.now()): Promise<SetupTokenState> {
  // Tokens are 43 base64url characters; anything else can't be one (and isn't worth a hash).
  if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return "unknown";
  const key = keyOf(token);
  const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${key}`.execute(tx);
  const row = rows.rows[0];
  if (!row) return "unknown";
  const deleted = await sql`DELETE FROM _params WHERE id = ${key}`.execute(tx);
  if (Number(deleted.numAffectedRows ?? 0) !== 1) return "unknown";
  const expires = Date.parse(String((JSON.parse(row.value) as { expires?: unknown }).expires));
  return Number.isFinite(expires) && expires > now ? "valid" : "expired";
}

/** Once a superuser exists, every outstanding setup link is void. */
export async function removeAllSetupTokens(tx: Db): Promise<void> {
  await sql`DELETE FROM _params WHERE id LIKE ${`${KEY_PREFIX}%`}`.execute(tx);
}

async function removeExpired(tx: Db, now: number): Promise<void> {
  const rows = await sql<{
    id: string;
    value: string;
  }>`SELECT id, value FROM _params WHERE id LIKE ${`${KEY_PREFIX}%`}`.execute(tx);
  for (const row of rows.rows) {
    const expires = Date.parse(String((JSON.parse(row.value) as { expires?: unknown }).expires));
    if (!(expires > now)) await sql`DELETE FROM _params WHERE id = ${row.id}`.execute(tx);
  }
}
