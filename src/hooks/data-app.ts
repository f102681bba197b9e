import type { Mailer } from "../auth/mail/mailer.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { pushMessage } from "../push/push-message.js";
import type { PushService } from "../push/push-service.js";
import { transactionWithAfterCommit } from "../records/after-commit.js";
import { collectionOrNotFound } from "../records/find-collection.js";
import type { RecordQuery } from "../records/record-query.js";
import type { RecordWriter } from "../records/record-writer.js";
import { SYSTEM_REQUEST, systemContext } from "../records/request-context.js";
import type { Db, Store } from "../store/store.js";
import { bindFilterParams, type FilterParams } from "./filter-params.js";
import type { FindOptions, HooksAppData } from "./types.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/** What hooks' data access uses of the app. */
export interface DataAppDeps {
  store: Store;
  registry: CollectionRegistry;
  query: RecordQuery;
  /**
   * The writer runs the hooks and hooks write through it, so one of the two is built first: the
   * runtime reaches the writer when a hook writes, by then both exist.
   */
  writer: () => RecordWriter;
  jobs: Pick<JobQueue, "enqueue">;
  /** Mail through Settings → SMTP (hooks' `newMailClient()`). */
  mailer: Pick<Mailer, "sendMessage">;
  /** Web Push (hooks' `push.send`). */
  push: Pick<PushService, "sendTo">;
}

/** Accounts resolved from a push filter per page. */
const PUSH_PAGE = 1000;

/**
 * Data access for hooks, with full rights (rules are for clients; hooks are the app's own code).
 * Bound to `db` when it is a transaction, so reads see the write in progress and writes join it.
 */
export function createDataApp(deps: DataAppDeps, logger: HooksAppData["logger"], db?: Db): HooksAppData {
  const { query } = deps;
  const collectionNamed = (name: string) => collectionOrNotFound(deps.registry, name);
  const where = (collectionName: string, filter: string, params?: FilterParams) => {
    const collection = collectionNamed(collectionName);
    const scope = { ...query.scope(collection, SYSTEM_REQUEST), source: "rule" as const };
    const text = bindFilterParams(filter, params);
    return {
      collection,
      scope,
      sql: text.trim() === "" ? query.and([]) : query.filterSql(text, scope),
    };
  };
  const find = async (collectionName: string, filter: string, options: FindOptions = {}) => {
    const { collection, scope, sql } = where(collectionName, filter, options.params);
    // A hook's own values: numbers or numeric strings; anything else (NaN, "ten") means the default.
    const limit = Math.min(Math.max(1, wholeOr(options.limit, DEFAULT_LIMIT)), MAX_LIMIT);
    const offset = Math.max(0, wholeOr(options.offset, 0));
    return query.list(collection, {
      where: sql,
      sort: options.sort ?? "",
      scope,
      limit,
      offset,
      ...(db ? { db } : {}),
    });
  };
  const app: HooksAppData = {
    async findRecordById(collectionName, id) {
      return (await query.findOne(collectionNamed(collectionName), id, undefined, db)) ?? null;
    },
    findRecordsByFilter: find,
    async findFirstRecordByFilter(collectionName, filter, params) {
      const [first] = await find(collectionName, filter, { limit: 1, ...(params ? { params } : {}) });
      return first ?? null;
    },
    async countRecords(collectionName, filter = "", params) {
      const { collection, sql } = where(collectionName, filter, params);
      return query.count(collection, sql, db);
    },
    createRecord: (collectionName, data) =>
      deps.writer().create(collectionNamed(collectionName), data, systemContext(), db ? { db } : {}),
    updateRecord: (collectionName, id, data) =>
      deps.writer().update(collectionNamed(collectionName), id, data, systemContext(), db ? { db } : {}),
    deleteRecord: (collectionName, id) =>
      deps.writer().delete(collectionNamed(collectionName), id, systemContext(), db),
    runInTransaction: (fn) =>
      db ? fn(app) : transactionWithAfterCommit(deps.store, (tx) => fn(createDataApp(deps, logger, tx))),
    jobs: {
      async enqueue(name, payload, options = {}) {
        const job = await deps.jobs.enqueue(name, payload, { ...options, ...(db ? { tx: db } : {}) });
        return { id: job.id };
      },
    },
    newMailClient: () => ({ send: (message) => deps.mailer.sendMessage(message) }),
    push: {
      async send(target, payload, options) {
        // Checked before any account is looked up: a payload too large fails at once, whoever it is for.
        pushMessage(payload, options);
        const t = (target ?? {}) as Partial<
          Record<"collection" | "collectionName" | "collectionId" | "filter" | "id", unknown>
        >;
        const name = t.collection ?? t.collectionName ?? t.collectionId;
        if (typeof name !== "string") throw new TypeError("push.send: the target names no collection");
        const collection = collectionNamed(name);
        if (collection.type !== "auth")
          throw new TypeError(`push.send: ${collection.name} is not an auth collection`);
        if (typeof t.filter !== "string") {
          if (typeof t.id !== "string") throw new TypeError("push.send: the target has no record id");
          return deps.push.sendTo(collection.id, [t.id], payload, options, db);
        }
        const filter = t.filter;
        const params = (target as { params?: FilterParams }).params;
        let queued = 0;
        for (let offset = 0; ; offset += PUSH_PAGE) {
          const page = await find(collection.name, filter, {
            sort: "id",
            limit: PUSH_PAGE,
            offset,
            ...(params ? { params } : {}),
          });
          const ids = page.map((r) => String(r.id));
          queued += (await deps.push.sendTo(collection.id, ids, payload, options, db)).queued;
          if (page.length < PUSH_PAGE) return { queued };
        }
      },
    },
    logger,
  };
  return app;
}

/** `value` as a whole number, or `fallback` when it is missing or not a number. */
function wholeOr(value: unknown, fallback: number): number {
  const n = Number(value ?? fallback);
  return Number.isFinite(n) ? Math.floor(n) : fallback;
}
