import type { Collection } from "../collections/model.js";
import { CatalogueMovedError, type CollectionRegistry } from "../collections/registry.js";
import type { SearchWord } from "../collections/search-types.js";
import { notFound } from "../errors/api-error.js";
import { UploadedFile } from "../files/uploaded-file.js";
import type { HookRuntime } from "../hooks/hook-runtime.js";
import { HookReply, requestEvent } from "../hooks/request-event.js";
import { accessFor } from "../records/access.js";
import { transactionWithAfterCommit } from "../records/after-commit.js";
import { parseExpand, serializeWithExpand } from "../records/expand.js";
import { parseFields, project } from "../records/fields-projection.js";
import { collectionOrNotFound } from "../records/find-collection.js";
import { type ListParams, parseListParams } from "../records/list-params.js";
import { RecordQuery } from "../records/record-query.js";
import { RecordWriter, type WriteOptions } from "../records/record-writer.js";
import { type RequestContext, requestInfo } from "../records/request-context.js";
import { searchSnippets } from "../records/search-snippets.js";
import { parseFilter, SEARCH_LIMITS, searchQueriesOf, searchWords } from "../rules/index.js";
import { type Db, readOn, type Store } from "../store/store.js";

/** A record as the API answers it: its wire shape, with the `expand` and `fields` asked for. */
export type RecordJson = Record<string, unknown>;

/** How many times a write is tried on a collection that keeps changing under it. */
const MOVED_ATTEMPTS = 3;

function holdsUploads(body: Record<string, unknown>): boolean {
  return Object.values(body).some(
    (v) => v instanceof UploadedFile || (Array.isArray(v) && v.some((x) => x instanceof UploadedFile)),
  );
}

export interface ListResult {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: RecordJson[];
}

/** What an action answers: its result, or the reply a request hook chose instead (`e.json`). */
export type ActionResult<T> = T | HookReply;

/**
 * The request layer's record actions, independent of any transport: list, view, create, update
 * and delete as a client asks for them (HTTP routes, `/api/batch`, the CLI, migrations), with the
 * collection's rules, the request-level hooks and the request's `expand`/`fields`. The model-level
 * work is the writer's and the query's (`src/records/`).
 */
export class RecordActions {
  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
    readonly query: RecordQuery = new RecordQuery(store, registry),
    readonly writer: RecordWriter = new RecordWriter(store, registry, query),
    /** The loaded hooks: request-level ones run here (model-level ones in the writer); none in migrations. */
    private readonly hookRuntime?: HookRuntime,
  ) {}

  get hooks(): HookRuntime | undefined {
    return this.hookRuntime;
  }

  collection(idOrName: string): Collection {
    return collectionOrNotFound(this.registry, idOrName);
  }

  async list(idOrName: string, ctx: RequestContext): Promise<ActionResult<ListResult>> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordsListRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, {});
      const listEvent = { ...e.event, result: null as ListResult | null };
      await hooks.run("recordsListRequest", collection, listEvent, async () => {
        listEvent.result = await this.listPage(collection, ctx);
      });
      return e.reply() ?? listEvent.result ?? HookReply.empty();
    }
    return this.listPage(collection, ctx);
  }

  private async listPage(collection: Collection, ctx: RequestContext): Promise<ListResult> {
    const params = parseListParams(ctx.query);
    const access = accessFor(collection, "list", ctx);
    const scope = this.query.scope(collection, requestInfo(ctx));
    const tree = parseExpand(params.expand);
    const projection = parseFields(params.fields);
    const parts = [];
    if (params.filter.trim() !== "") parts.push(this.query.filterSql(params.filter, scope));
    if (params.search !== "") parts.push(this.query.searchSql(params.search, scope));
    const rank = rankWords(params);
    if (access.kind === "filter") parts.push(this.query.where([access.rule], scope));
    const where = this.query.and(parts);
    const offset = (params.page - 1) * params.perPage;
    // The page, its total and its expands from one place: a read replica when there are some.
    const { items, total } = await readOn(this.store, async (db) => {
      const [records, total] = await Promise.all([
        this.query.list(collection, {
          where,
          sort: params.sort,
          rank,
          scope,
          limit: params.perPage,
          offset,
          db,
        }),
        params.skipTotal ? Promise.resolve(-1) : this.query.count(collection, where, db),
      ]);
      const deps = { registry: this.registry, query: this.query, db };
      const items = await serializeWithExpand(deps, collection, records, tree, ctx);
      const projected = projection ? items.map((i) => project(i, projection)) : items;
      if (params.snippet && rank)
        projected.forEach((item, i) => {
          (item as Record<string, unknown>)["@snippet"] = searchSnippets(collection, records[i] ?? {}, rank);
        });
      return { items: projected, total };
    });
    return {
      page: params.page,
      perPage: params.perPage,
      totalItems: total,
      totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
      items: items as RecordJson[],
    };
  }

  async view(idOrName: string, id: string, ctx: RequestContext): Promise<ActionResult<RecordJson>> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordViewRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, {});
      await hooks.run("recordViewRequest", collection, e.event, async () => {
        e.event.record = await this.viewRecord(collection, id, ctx);
      });
      return e.result();
    }
    return this.viewRecord(collection, id, ctx);
  }

  private async viewRecord(collection: Collection, id: string, ctx: RequestContext): Promise<RecordJson> {
    const access = accessFor(collection, "view", ctx);
    const where =
      access.kind === "filter"
        ? this.query.where([access.rule], this.query.scope(collection, requestInfo(ctx)))
        : undefined;
    return readOn(this.store, async (db) => {
      const record = await this.query.findOne(collection, id, where, db);
      if (!record) throw notFound();
      return this.present(collection, record, ctx, db);
    });
  }

  async create(
    idOrName: string,
    body: Record<string, unknown>,
    ctx: RequestContext,
    opts: WriteOptions = {},
  ): Promise<ActionResult<RecordJson>> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordCreateRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, body, opts.db);
      await hooks.run("recordCreateRequest", collection, e.event, async () => {
        const record = await this.writer.create(collection, e.event.body, ctx, opts);
        e.event.record = await this.present(collection, record, ctx, opts.db);
      });
      return e.result();
    }
    if (opts.db)
      return this.present(collection, await this.writer.create(collection, body, ctx, opts), ctx, opts.db);
    const { collection: used, result } = await this.againIfMoved(idOrName, collection, body, (c) =>
      this.writer.create(c, body, ctx, opts),
    );
    return this.present(used, result, ctx);
  }

  async update(
    idOrName: string,
    id: string,
    body: Record<string, unknown>,
    ctx: RequestContext,
    opts: WriteOptions = {},
  ): Promise<ActionResult<RecordJson>> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordUpdateRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, body, opts.db);
      e.event.record = (await this.query.findOne(collection, id, undefined, opts.db)) ?? null;
      await hooks.run("recordUpdateRequest", collection, e.event, async () => {
        const record = await this.writer.update(collection, id, e.event.body, ctx, opts);
        e.event.record = await this.present(collection, record, ctx, opts.db);
      });
      return e.result();
    }
    if (opts.db)
      return this.present(
        collection,
        await this.writer.update(collection, id, body, ctx, opts),
        ctx,
        opts.db,
      );
    const { collection: used, result } = await this.againIfMoved(idOrName, collection, body, (c) =>
      this.writer.update(c, id, body, ctx, opts),
    );
    return this.present(used, result, ctx);
  }

  /** Deletes a record; a hook's `e.json()` reply comes back instead of nothing. */
  async delete(
    idOrName: string,
    id: string,
    ctx: RequestContext,
    db?: Db,
    opts: { ifMatch?: string } = {},
  ): Promise<HookReply | undefined> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordDeleteRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, {}, db);
      e.event.record = (await this.query.findOne(collection, id, undefined, db)) ?? null;
      await hooks.run("recordDeleteRequest", collection, e.event, () =>
        this.writer.delete(collection, id, ctx, db, opts),
      );
      return e.reply();
    }
    if (db) await this.writer.delete(collection, id, ctx, db, opts);
    else
      await this.againIfMoved(idOrName, collection, {}, (c) =>
        this.writer.delete(c, id, ctx, undefined, opts),
      );
    return undefined;
  }

  /**
   * Runs a write (its own transaction, no request hooks) again on the committed definition when
   * another node changed the collection after this request looked it up (CatalogueMovedError).
   * A body with uploaded files isn't run twice (the first try released them): its conflict is
   * answered, for the client to send again.
   */
  private async againIfMoved<T>(
    idOrName: string,
    first: Collection,
    body: Record<string, unknown>,
    write: (collection: Collection) => Promise<T>,
  ): Promise<{ collection: Collection; result: T }> {
    let collection = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return { collection, result: await write(collection) };
      } catch (err) {
        if (!(err instanceof CatalogueMovedError) || attempt >= MOVED_ATTEMPTS || holdsUploads(body))
          throw err;
        await this.registry.refresh();
        collection = this.collection(idOrName);
      }
    }
  }

  /** Deletes every record (with cascades, audit and events) in one transaction. */
  async truncate(idOrName: string, ctx: RequestContext): Promise<void> {
    const collection = this.collection(idOrName);
    await transactionWithAfterCommit(this.store, async (tx) => {
      for (;;) {
        const scope = this.query.scope(collection, requestInfo(ctx));
        const batch = await this.query.list(collection, {
          where: this.query.and([]),
          sort: "",
          scope,
          limit: 500,
          offset: 0,
          db: tx,
        });
        if (batch.length === 0) return;
        for (const record of batch) await this.writer.delete(collection, record.id, ctx, tx);
      }
    });
  }

  /** One transaction for several writes (batch); after-commit hooks wait for its outcome. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return transactionWithAfterCommit(this.store, fn);
  }

  /** One record with the `expand` and `fields` the request asked for. */
  async present(
    collection: Collection,
    record: Record<string, unknown> & { id: string },
    ctx: RequestContext,
    db?: Db,
  ): Promise<RecordJson> {
    const tree = parseExpand(ctx.query.expand ?? "");
    const projection = parseFields(ctx.query.fields ?? "");
    const [item] = await serializeWithExpand(
      { registry: this.registry, query: this.query, ...(db ? { db } : {}) },
      collection,
      [record],
      tree,
      ctx,
    );
    return (projection ? project(item, projection) : item) as RecordJson;
  }
}

/** The words of the request's search (`?search=`, else the filter's `search()` calls): what `@rank` and snippets use. */
function rankWords(params: ListParams): SearchWord[] | undefined {
  const queries = params.search !== "" ? [params.search] : [];
  if (queries.length === 0 && params.filter.includes("search"))
    queries.push(...searchQueriesOf(parseFilter(params.filter)));
  if (queries.length === 0) return undefined;
  return queries.flatMap((q) => searchWords(q)).slice(0, SEARCH_LIMITS.maxWords);
}
