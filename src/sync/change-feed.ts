import { sql } from "kysely";
import type { RecordActions } from "../api/record-actions.js";
import type { Collection } from "../collections/model.js";
import { badRequest } from "../errors/api-error.js";
import type { OutboxEntry } from "../events/outbox.js";
import { maxOutboxSeq } from "../events/outbox.js";
import { readOutboxRange } from "../events/outbox-range.js";
import { eventRowSource } from "../realtime/event-row.js";
import { type Access, accessFor } from "../records/access.js";
import { ALIAS } from "../records/record-query.js";
import { type RequestContext, requestInfo } from "../records/request-context.js";
import type { RecordValues } from "../records/row-mapping.js";
import type { Store } from "../store/store.js";
import { decodeCursor, encodeCursor, resyncRequired } from "./sync-cursor.js";

/** A record created or changed after the cursor, as the requester may list it now. */
export interface UpsertChange {
  action: "upsert";
  seq: number;
  collectionId: string;
  collectionName: string;
  id: string;
  record: unknown;
}

/**
 * A record the requester should drop: deleted, or still there but no longer matching their list
 * rule ("hidden"). Only sent for records the requester could list in some state after the cursor.
 */
export interface DeleteChange {
  action: "delete";
  seq: number;
  collectionId: string;
  collectionName: string;
  id: string;
  reason: "deleted" | "hidden";
  /** When the deletion (or the change that hid it) was written. */
  deleted: string;
}

export type Change = UpsertChange | DeleteChange;

export interface ChangePage {
  items: Change[];
  /** Pass it as `since` next time (also when `items` is empty). */
  cursor: string;
  /** More changes are waiting after `cursor`: ask again right away. */
  hasMore: boolean;
}

/** What the feed needs of the outbox dispatcher: the highest sequence number safe to hand out. */
export interface SeqHorizon {
  settle(): Promise<void>;
  readonly cursor: number;
}

export interface ChangeFeedDeps {
  store: Store;
  records: RecordActions;
  horizon: SeqHorizon;
  /** How long changes are kept (settings.sync.retentionDays, at least the dispatcher's own hour). */
  retentionMs(): Promise<number>;
}

export const DEFAULT_CHANGES_PER_PAGE = 100;
export const MAX_CHANGES_PER_PAGE = 1000;
/** Longest wait for the dispatcher to take in rows committed just before the request. */
const SETTLE_WAIT_MS = 250;
/** Record states checked against a list rule per statement (its parameters repeat per state). */
const STATES_PER_QUERY = 50;
/** A cursor vouches for rows written after it was issued, give or take a slow transaction. */
const ISSUE_MARGIN_MS = 60_000;

/**
 * The offline-sync feed: creates, updates and deletions of collections after a cursor, in commit
 * order, built on the outbox. Each record appears once per page, at its last change in the page,
 * in its state now and only if the requester's list rule admits it now; deletions and records
 * that left the requester's view come as tombstones when some state of the record in the page
 * was listable by the requester (so ids of rows they never could see are not revealed).
 */
export class ChangeFeed {
  constructor(private readonly deps: ChangeFeedDeps) {}

  async read(
    collections: Collection[],
    ctx: RequestContext,
    params: { since?: string; perPage: number },
  ): Promise<ChangePage> {
    const now = Date.now();
    // The list rule decides; a collection only superusers may list is a 403, as its list is.
    const access = collections.map((c) => ({ collection: c, access: accessFor(c, "list", ctx) }));
    const retentionMs = await this.deps.retentionMs();
    const cursor = params.since ? decodeCursor(params.since, now) : undefined;
    if (cursor && now - cursor.since > retentionMs) throw resyncRequired(retentionMs);
    // On PostgreSQL a larger number can commit before a smaller one; hand out only what the
    // dispatcher has put in order (on SQLite it is simply the newest row).
    // Wait a little for writes just committed (a busy dispatcher may never be idle: don't wait on).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.deps.horizon.settle(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SETTLE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    const horizon = this.deps.horizon.cursor;
    if (!cursor) return { items: [], cursor: encodeCursor({ seq: horizon, since: now }), hasMore: false };
    if (cursor.seq > horizon) {
      // Another node may be a little ahead of this one; beyond every written row it is forged.
      if (cursor.seq > (await maxOutboxSeq(this.deps.store.db)))
        throw badRequest("Invalid since cursor: it is ahead of every change written.", {
          since: { code: "validation_invalid_cursor", message: "Not a cursor this server issued." },
        });
      return { items: [], cursor: params.since as string, hasMore: false };
    }
    const rows = await readOutboxRange(
      this.deps.store.db,
      collections.map((c) => c.id),
      cursor.seq,
      horizon,
      params.perPage,
    );
    const hasMore = rows.length === params.perPage;
    const last = rows[rows.length - 1];
    const next =
      hasMore && last
        ? { seq: last.seq, since: Math.min(now, writtenAt(last.created, now)) }
        : { seq: horizon, since: now - ISSUE_MARGIN_MS };
    const items = await this.changesOf(rows, access, ctx);
    return { items, cursor: encodeCursor(next), hasMore };
  }

  private async changesOf(
    rows: OutboxEntry[],
    access: { collection: Collection; access: Access }[],
    ctx: RequestContext,
  ): Promise<Change[]> {
    // The entries of each record in the page, in order; a record is reported at its last one.
    const byRecord = new Map<string, OutboxEntry[]>();
    for (const row of rows) {
      const key = `${row.collectionId}/${row.recordId}`;
      const entries = byRecord.get(key);
      if (entries) {
        byRecord.delete(key);
        entries.push(row);
        byRecord.set(key, entries);
      } else byRecord.set(key, [row]);
    }
    const changes = new Map<string, Change>();
    for (const { collection, access: rule } of access) {
      const mine = [...byRecord].filter(([, entries]) => entries[0]?.collectionId === collection.id);
      if (mine.length === 0) continue;
      const scope = this.deps.records.query.scope(collection, requestInfo(ctx));
      const where = rule.kind === "filter" ? this.deps.records.query.where([rule.rule], scope) : undefined;
      const liveIds = mine
        .filter(([, e]) => e[e.length - 1]?.action !== "delete")
        .map(([, e]) => e[0]?.recordId);
      const visible = new Map<string, RecordValues>();
      for (const record of await this.deps.records.query.findMany(collection, liveIds as string[], where))
        visible.set(record.id, record);
      const gone: [string, OutboxEntry[]][] = [];
      for (const [key, entries] of mine) {
        const lastEntry = entries[entries.length - 1] as OutboxEntry;
        const current = visible.get(lastEntry.recordId);
        if (!current) {
          gone.push([key, entries]);
          continue;
        }
        const record = await this.deps.records.present(collection, current, ctx);
        changes.set(key, { ...baseOf(collection, lastEntry), action: "upsert", record });
      }
      const listable = await this.listableSometime(collection, where, gone);
      for (const [key, entries] of gone) {
        if (!listable.has(key)) continue;
        const lastEntry = entries[entries.length - 1] as OutboxEntry;
        changes.set(key, {
          ...baseOf(collection, lastEntry),
          action: "delete",
          reason: lastEntry.action === "delete" ? "deleted" : "hidden",
          deleted: lastEntry.created,
        });
      }
    }
    return [...byRecord.keys()].flatMap((key) => {
      const change = changes.get(key);
      return change ? [change] : [];
    });
  }

  /**
   * The records (keys) whose list rule admitted some state these entries saw: the states as
   * one-row tables, up to STATES_PER_QUERY of them in one UNION ALL statement.
   */
  private async listableSometime(
    collection: Collection,
    where: ReturnType<RecordActions["query"]["where"]> | undefined,
    records: [string, OutboxEntry[]][],
  ): Promise<Set<string>> {
    if (!where) return new Set(records.map(([key]) => key));
    const states = records.flatMap(([key, entries]) =>
      entries
        .flatMap((e) => (e.previous ? [e.previous, e.record] : [e.record]))
        .map((state) => ({
          key,
          record: {
            ...(state as RecordValues),
            id: String((state as { id?: unknown }).id ?? entries[0]?.recordId),
          },
        })),
    );
    const found = new Set<string>();
    for (let i = 0; i < states.length; i += STATES_PER_QUERY) {
      const chunk = states.slice(i, i + STATES_PER_QUERY);
      const branches = chunk.map(
        (s, j) =>
          sql`SELECT ${sql.lit(i + j)} AS k FROM ${eventRowSource(collection, s.record, this.deps.store.dialect)} AS ${sql.ref(ALIAS)} WHERE ${where}`,
      );
      const result = await sql<{ k: number }>`${sql.join(branches, sql` UNION ALL `)}`.execute(
        this.deps.store.db,
      );
      for (const row of result.rows) found.add((states[Number(row.k)] as { key: string }).key);
    }
    return found;
  }
}

/** A row's `created` (`YYYY-MM-DD HH:MM:SS.sssZ`) in ms; `fallback` if it can't be read. */
function writtenAt(created: string, fallback: number): number {
  const ms = Date.parse(created.replace(" ", "T"));
  return Number.isFinite(ms) ? ms : fallback;
}

function baseOf(collection: Collection, entry: OutboxEntry) {
  return { seq: entry.seq, collectionId: collection.id, collectionName: collection.name, id: entry.recordId };
}

/** `collections=a,b` (names or ids), each once; at most 50. */
export function parseCollectionList(text: string | undefined): string[] {
  const names = [
    ...new Set(
      (text ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
  if (names.length === 0)
    throw badRequest("Name the collections to sync: collections=name1,name2.", {
      collections: { code: "validation_required", message: "Cannot be blank." },
    });
  if (names.length > 50) throw badRequest("At most 50 collections per changes request.");
  return names;
}

/** `perPage`: how many outbox rows one page reads (default 100, at most 1000). */
export function parseChangesPerPage(text: string | undefined): number {
  if (text === undefined || text === "") return DEFAULT_CHANGES_PER_PAGE;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
    throw badRequest("Invalid perPage: must be a positive whole number.");
  return Math.min(Number(text), MAX_CHANGES_PER_PAGE);
}
