import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { notFound } from "../errors/api-error.js";
import type { HookRuntime } from "../hooks/hook-runtime.js";
import { HookReply, requestEvent } from "../hooks/request-event.js";
import type { Db, Store } from "../store/store.js";
import { accessFor } from "./access.js";
import { transactionWithAfterCommit } from "./after-commit.js";
import { parseExpand, serializeWithExpand } from "./expand.js";
import { parseFields, project } from "./fields-projection.js";
import { parseListParams } from "./list-params.js";
import { RecordQuery } from "./record-query.js";
import { RecordWriter, type WriteOptions } from "./record-writer.js";
import { type RequestContext, requestInfo } from "./request-context.js";

export interface ListResult {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: unknown[];
}

/** What the records API does, independent of HTTP: routes and batch both call this. */
export class RecordService {
  readonly query: RecordQuery;
  readonly writer: RecordWriter;

  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
  ) {
    this.query = new RecordQuery(store, registry);
    this.writer = new RecordWriter(store, registry, this.query);
  }

  private hookRuntime: HookRuntime | undefined;

  /** The loaded hooks: request-level ones run here, model-level ones in the writer. */
  set hooks(runtime: HookRuntime | undefined) {
    this.hookRuntime = runtime;
    this.writer.hooks = runtime;
  }

  get hooks(): HookRuntime | undefined {
    return this.hookRuntime;
  }

  collection(idOrName: string): Collection {
    const c = this.registry.get(idOrName);
    if (!c) throw notFound("Missing collection context.");
    return c;
  }

  async list(idOrName: string, ctx: RequestContext): Promise<ListResult | HookReply> {
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
    if (access.kind === "filter") parts.push(this.query.where([access.rule], scope));
    const where = this.query.and(parts);
    const offset = (params.page - 1) * params.perPage;
    const [records, total] = await Promise.all([
      this.query.list(collection, { where, sort: params.sort, scope, limit: params.perPage, offset }),
      params.skipTotal ? Promise.resolve(-1) : this.query.count(collection, where),
    ]);
    const items = await serializeWithExpand(
      { registry: this.registry, query: this.query },
      collection,
      records,
      tree,
      ctx,
    );
    return {
      page: params.page,
      perPage: params.perPage,
      totalItems: total,
      totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
      items: projection ? items.map((i) => project(i, projection)) : items,
    };
  }

  async view(idOrName: string, id: string, ctx: RequestContext): Promise<unknown> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordViewRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, {});
      await hooks.run("recordViewRequest", collection, e.event, async () => {
        e.event.record = (await this.viewRecord(collection, id, ctx)) as Record<string, unknown>;
      });
      return e.result();
    }
    return this.viewRecord(collection, id, ctx);
  }

  private async viewRecord(collection: Collection, id: string, ctx: RequestContext): Promise<unknown> {
    const access = accessFor(collection, "view", ctx);
    const where =
      access.kind === "filter"
        ? this.query.where([access.rule], this.query.scope(collection, requestInfo(ctx)))
        : undefined;
    const record = await this.query.findOne(collection, id, where);
    if (!record) throw notFound();
    return this.present(collection, record, ctx);
  }

  async create(
    idOrName: string,
    body: Record<string, unknown>,
    ctx: RequestContext,
    opts: WriteOptions = {},
  ): Promise<unknown> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordCreateRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, body, opts.db);
      await hooks.run("recordCreateRequest", collection, e.event, async () => {
        const record = await this.writer.create(collection, e.event.body, ctx, opts);
        e.event.record = (await this.present(collection, record, ctx, opts.db)) as Record<string, unknown>;
      });
      return e.result();
    }
    const record = await this.writer.create(collection, body, ctx, opts);
    return this.present(collection, record, ctx, opts.db);
  }

  async update(
    idOrName: string,
    id: string,
    body: Record<string, unknown>,
    ctx: RequestContext,
    opts: WriteOptions = {},
  ): Promise<unknown> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordUpdateRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, body, opts.db);
      e.event.record = (await this.query.findOne(collection, id, undefined, opts.db)) ?? null;
      await hooks.run("recordUpdateRequest", collection, e.event, async () => {
        const record = await this.writer.update(collection, id, e.event.body, ctx, opts);
        e.event.record = (await this.present(collection, record, ctx, opts.db)) as Record<string, unknown>;
      });
      return e.result();
    }
    const record = await this.writer.update(collection, id, body, ctx, opts);
    return this.present(collection, record, ctx, opts.db);
  }

  /** Deletes a record; a hook's `e.json()` reply comes back instead of nothing. */
  async delete(idOrName: string, id: string, ctx: RequestContext, db?: Db): Promise<HookReply | undefined> {
    const collection = this.collection(idOrName);
    const hooks = this.hookRuntime;
    if (hooks?.has("recordDeleteRequest", collection)) {
      const e = requestEvent(hooks, collection, ctx, {}, db);
      e.event.record = (await this.query.findOne(collection, id, undefined, db)) ?? null;
      await hooks.run("recordDeleteRequest", collection, e.event, () =>
        this.writer.delete(collection, id, ctx, db),
      );
      return e.reply();
    }
    await this.writer.delete(collection, id, ctx, db);
    return undefined;
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
  ) {
    const tree = parseExpand(ctx.query.expand ?? "");
    const projection = parseFields(ctx.query.fields ?? "");
    const [item] = await serializeWithExpand(
      { registry: this.registry, query: this.query, ...(db ? { db } : {}) },
      collection,
      [record],
      tree,
      ctx,
    );
    return projection ? project(item, projection) : item;
  }
}
