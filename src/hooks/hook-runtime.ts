import type { Collection } from "../collections/model.js";
import { type AfterCommitTask, afterCommit } from "../records/after-commit.js";
import type { ModelHooks, WriteAction, WriteDraft } from "../records/model-hooks.js";
import type { RequestContext } from "../records/request-context.js";
import type { Db } from "../store/store.js";
import { createDataApp, type DataAppDeps } from "./data-app.js";
import { eventErrors } from "./event-errors.js";
import { runChain } from "./hook-chain.js";
import { hookAuth, hookCollection } from "./hook-context.js";
import { frozenHookRecord, MutableHookRecord } from "./hook-record.js";
import { type HookEvents, type HookName, HookRegistry } from "./hook-registry.js";
import type { HooksAppData, RecordAfterEvent, RecordEvent } from "./types.js";

const MODEL: Record<WriteAction, HookName> = {
  create: "recordCreate",
  update: "recordUpdate",
  delete: "recordDelete",
};
const SUCCESS: Record<WriteAction, HookName> = {
  create: "recordAfterCreateSuccess",
  update: "recordAfterUpdateSuccess",
  delete: "recordAfterDeleteSuccess",
};
const FAILURE: Record<WriteAction, HookName> = {
  create: "recordAfterCreateError",
  update: "recordAfterUpdateError",
  delete: "recordAfterDeleteError",
};

export type HookLog = (level: "info" | "warn" | "error", message: string, data?: object) => void;

/** What a write hands its hooks: the record as saved, and as it was before (update/delete). */
interface WriteSubject {
  record: Record<string, unknown>;
  original?: Record<string, unknown>;
}

/**
 * Runs the loaded hooks at the moments the records layer and the HTTP routes offer. With no hooks
 * for a collection, every check here is one map lookup and the write path is unchanged.
 */
export class HookRuntime implements ModelHooks {
  private current = new HookRegistry();
  private log: HookLog = () => {};

  constructor(
    private readonly deps: DataAppDeps,
    /** Each handler's own time limit (not counting time inside its `e.next()`). */
    readonly timeoutMs: number,
  ) {}

  get registry(): HookRegistry {
    return this.current;
  }

  /** Swaps in a newly loaded set of hooks (startup and --dev reloads). */
  use(registry: HookRegistry): void {
    this.current = registry;
  }

  setLogger(log: HookLog): void {
    this.log = log;
  }

  logger(): HooksAppData["logger"] {
    return {
      info: (m, d) => this.log("info", m, d),
      warn: (m, d) => this.log("warn", m, d),
      error: (m, d) => this.log("error", m, d),
    };
  }

  /** Data access for hooks, bound to `db` (a transaction) when given. */
  dataApp(db?: Db): HooksAppData {
    return createDataApp(this.deps, this.logger(), db);
  }

  run<N extends HookName>(name: N, collection: Collection, event: HookEvents[N], final: () => Promise<void>) {
    return runChain(this.current.for(name, collection), event, final, this.timeoutMs);
  }

  has(name: HookName, collection: Collection): boolean {
    return this.current.for(name, collection).length > 0;
  }

  /** Whether a write of this kind has model-level hooks (then validation runs inside the transaction). */
  hasModel(action: WriteAction, collection: Collection): boolean {
    return this.current.any([MODEL[action], "recordValidate"], collection);
  }

  /**
   * Runs the model-level chain of a write around `inner` (validation and the row change), inside
   * the write's transaction. Returns false when a hook stopped the chain without calling next.
   */
  async runModel(
    action: WriteAction,
    collection: Collection,
    draft: WriteDraft,
    ctx: RequestContext,
    tx: Db,
    validate: () => Promise<void>,
    inner: () => Promise<void>,
    /** The stored record before the write (update, delete); a create has none. */
    original: Record<string, unknown> = {},
  ): Promise<boolean> {
    let reached = false;
    const event = (): RecordEvent => {
      const record = new MutableHookRecord(collection, draft.values, original);
      const e: RecordEvent = {
        ...eventErrors,
        app: this.dataApp(tx),
        collection: hookCollection(collection),
        record,
        auth: hookAuth(ctx),
        next: async () => {},
      };
      return e;
    };
    const adopt = (e: RecordEvent) => {
      for (const f of (e.record as MutableHookRecord).changed) draft.changed.add(f);
    };
    const modelEvent = event();
    await this.run(MODEL[action], collection, modelEvent, async () => {
      adopt(modelEvent);
      if (action !== "delete") {
        const validateEvent = event();
        let validated = false;
        await this.run("recordValidate", collection, validateEvent, async () => {
          adopt(validateEvent);
          await validate();
          validated = true;
        });
        if (!validated) return;
      }
      await inner();
      reached = true;
    });
    return reached;
  }

  /**
   * The after-commit hooks of a successful write: run when the transaction commits (or at once,
   * when the write ran on its own and has committed already).
   */
  async afterSuccess(
    action: WriteAction,
    collection: Collection,
    record: Record<string, unknown>,
    ctx: RequestContext,
    tx: Db | undefined,
    original?: Record<string, unknown>,
  ): Promise<void> {
    if (!this.current.any([SUCCESS[action], FAILURE[action]], collection)) return;
    const subject = { record, ...(original ? { original } : {}) };
    const task: AfterCommitTask = {
      committed: () => this.runAfter(SUCCESS[action], collection, subject, ctx),
      rolledBack: (error) => this.runAfter(FAILURE[action], collection, subject, ctx, error),
    };
    if (tx) await afterCommit(tx, task);
    else await task.committed();
  }

  /**
   * The error hooks of a failed write. Inside an outer transaction (a batch, a hook's own write)
   * they wait for its end: the outer transaction still holds the store, and their writes must not
   * join (and vanish with) a transaction that is about to roll back.
   */
  async afterError(
    action: WriteAction,
    collection: Collection,
    record: Record<string, unknown> | undefined,
    ctx: RequestContext,
    error: unknown,
    tx: Db | undefined,
    original?: Record<string, unknown>,
  ): Promise<void> {
    if (!record || !this.has(FAILURE[action], collection)) return;
    const subject = { record, ...(original ? { original } : {}) };
    const run = () => this.runAfter(FAILURE[action], collection, subject, ctx, error);
    if (tx) await afterCommit(tx, { committed: run, rolledBack: run });
    else await run();
  }

  /** After-commit hooks can't undo the write: their failures are logged, not returned. */
  private async runAfter(
    name: HookName,
    collection: Collection,
    { record, original }: WriteSubject,
    ctx: RequestContext,
    error?: unknown,
  ): Promise<void> {
    const e: RecordAfterEvent = {
      app: this.dataApp(),
      collection: hookCollection(collection),
      record: frozenHookRecord(collection.name, record, original ?? {}),
      auth: hookAuth(ctx),
      ...(error === undefined ? {} : { error }),
      next: async () => {},
    };
    try {
      await this.run(name as "recordAfterCreateSuccess", collection, e, async () => {});
    } catch (err) {
      this.log("error", `${name} hook failed`, { err, collection: collection.name, id: record.id });
    }
  }
}
