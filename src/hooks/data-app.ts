import type { Services } from "../http/services.js";
import { transactionWithAfterCommit } from "../records/after-commit.js";
import { SYSTEM_REQUEST, systemContext } from "../records/request-context.js";
import type { Db } from "../store/store.js";
import { bindFilterParams, type FilterParams } from "./filter-params.js";
import type { HookRuntime } from "./hook-runtime.js";
import type { FindOptions, HooksAppData } from "./types.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

/**
 * Data access for hooks, with full rights (rules are for clients; hooks are the app's own code).
 * Bound to `db` when it is a transaction, so reads see the write in progress and writes join it.
 */
export function createDataApp(services: Services, runtime: HookRuntime, db?: Db): HooksAppData {
  const { records } = services;
  const query = records.query;
  const where = (collectionName: string, filter: string, params?: FilterParams) => {
    const collection = records.collection(collectionName);
    const scope = { ...query.scope(collection, SYSTEM_REQUEST), allowHiddenFields: true };
    const text = bindFilterParams(filter, params);
    return {
      collection,
      scope,
      sql: text.trim() === "" ? query.and([]) : query.filterSql(text, scope),
    };
  };
  const find = async (collectionName: string, filter: string, options: FindOptions = {}) => {
    const { collection, scope, sql } = where(collectionName, filter, options.params);
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_LIMIT)), MAX_LIMIT);
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
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
      return (await query.findOne(records.collection(collectionName), id, undefined, db)) ?? null;
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
      records.writer.create(records.collection(collectionName), data, systemContext(), db ? { db } : {}),
    updateRecord: (collectionName, id, data) =>
      records.writer.update(records.collection(collectionName), id, data, systemContext(), db ? { db } : {}),
    deleteRecord: (collectionName, id) =>
      records.writer.delete(records.collection(collectionName), id, systemContext(), db),
    runInTransaction: (fn) =>
      db
        ? fn(app)
        : transactionWithAfterCommit(services.store, (tx) => fn(createDataApp(services, runtime, tx))),
    jobs: {
      async enqueue(name, payload, options = {}) {
        const job = await services.jobs.enqueue(name, payload, { ...options, ...(db ? { tx: db } : {}) });
        return { id: job.id };
      },
    },
    logger: runtime.logger(),
  };
  return app;
}
