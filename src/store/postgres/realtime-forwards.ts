import { sql } from "kysely";
import type { Db } from "../store.js";

/**
 * The statements of a `POST /api/realtime` forwarded between nodes (`_realtime_forwards`, see
 * `realtime/forward-subscriptions.ts`). A request is a row, named to its target by a NOTIFY carrying
 * the row's id (so its size never meets NOTIFY's 8,000-byte payload limit); each step is one
 * statement, and NOTIFY is sent when that statement commits.
 */

/** Stores a request for `node` and names it on `channel` (`q:<id>`); resolves with the row's id. */
export async function postForward(db: Db, node: string, channel: string, request: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`
    WITH r AS (INSERT INTO _realtime_forwards (node, request) VALUES (${node}, ${request}) RETURNING id)
    SELECT r.id::text AS id, pg_notify(${channel}, 'q:' || r.id) FROM r`.execute(db);
  const id = rows[0]?.id;
  if (id === undefined) throw new Error("forwarded request was not stored");
  return id;
}

/** The target takes a request: at most once, and never after its sender gave up on it. */
export async function claimForward(db: Db, id: string): Promise<string | undefined> {
  const { rows } = await sql<{ request: string }>`
    UPDATE _realtime_forwards SET claimed = TRUE WHERE id = ${id}::bigint AND NOT claimed
    RETURNING request`.execute(db);
  return rows[0]?.request;
}

/** The target's answer, stored with the request and announced on the sender's channel (`r:<id>`). */
export async function answerForward(db: Db, id: string, channel: string, reply: string): Promise<void> {
  await sql`
    WITH r AS (UPDATE _realtime_forwards SET reply = ${reply} WHERE id = ${id}::bigint RETURNING id)
    SELECT pg_notify(${channel}, 'r:' || r.id) FROM r`.execute(db);
}

/** The sender's last step: removes the request; `claimed`/`reply` say how far it got (undefined: gone). */
export async function takeForward(
  db: Db,
  id: string,
  opts: { onlyUnclaimed?: boolean } = {},
): Promise<{ claimed: boolean; reply: string | null } | undefined> {
  const unclaimed = opts.onlyUnclaimed ? sql` AND NOT claimed` : sql``;
  const { rows } = await sql<{ claimed: boolean; reply: string | null }>`
    DELETE FROM _realtime_forwards WHERE id = ${id}::bigint${unclaimed} RETURNING claimed, reply`.execute(db);
  return rows[0];
}

/** Whether the target has answered yet (the answer's NOTIFY may have been missed). */
export async function forwardReply(db: Db, id: string): Promise<string | null> {
  const { rows } = await sql<{ reply: string | null }>`
    SELECT reply FROM _realtime_forwards WHERE id = ${id}::bigint`.execute(db);
  return rows[0]?.reply ?? null;
}

/** Requests for `node` not taken yet (looked for when its NOTIFYs may have been missed). */
export async function unclaimedForwards(db: Db, node: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id::text AS id FROM _realtime_forwards WHERE node = ${node} AND NOT claimed ORDER BY id`.execute(
    db,
  );
  return rows.map((r) => r.id);
}

/** Requests left behind by nodes that stopped mid-way (older than a minute). */
export async function dropStaleForwards(db: Db): Promise<void> {
  await sql`DELETE FROM _realtime_forwards WHERE created < now() - interval '1 minute'`.execute(db);
}
