import { ApiError, badRequest } from "../errors/api-error.js";

/**
 * Where a client stands in the change feed: every outbox row up to `seq` has been read, and rows
 * after it were written at or after `since` (ms). The clock part is what lets the server tell a
 * cursor whose following rows were pruned (older than retention) from one it can still serve.
 */
export interface SyncCursor {
  seq: number;
  since: number;
}

const PREFIX = "c1.";
const BODY = /^[A-Za-z0-9_-]{1,64}$/;
const INSIDE = /^(\d{1,15})\.(\d{1,15})$/;
/** Clocks of several nodes disagree a little; a cursor dated further ahead was not issued here. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Opaque to clients: they store it and send it back, nothing more. */
export function encodeCursor(cursor: SyncCursor): string {
  return PREFIX + Buffer.from(`${cursor.seq}.${Math.floor(cursor.since)}`).toString("base64url");
}

/** Reads a client's cursor; anything not issued by a server (garbage, negative, dated ahead) is a 400. */
export function decodeCursor(text: string, now: number): SyncCursor {
  const invalid = () =>
    badRequest("Invalid since cursor: send back a cursor the changes API returned, or none to start.", {
      since: { code: "validation_invalid_cursor", message: "Not a cursor this server issued." },
    });
  if (text.length > 100 || !text.startsWith(PREFIX)) throw invalid();
  const body = text.slice(PREFIX.length);
  if (!BODY.test(body)) throw invalid();
  const match = INSIDE.exec(Buffer.from(body, "base64url").toString("latin1"));
  if (!match) throw invalid();
  const seq = Number(match[1]);
  const since = Number(match[2]);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(since) || since > now + CLOCK_SKEW_MS)
    throw invalid();
  return { seq, since };
}

/** The cursor is older than the kept changes: the client must list everything again. */
export function resyncRequired(retentionMs: number): ApiError {
  const days = Math.round((retentionMs / 86_400_000) * 100) / 100;
  return new ApiError(
    410,
    `The since cursor is older than the changes kept (${days} days): resync by listing the records again and start over without a cursor.`,
    { since: { code: "sync_resync_required", message: "Changes after this cursor were pruned." } },
  );
}
