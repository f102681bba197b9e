import { fieldType, generateFromPattern } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { ApiError, badRequest, type IssueMap, issue, notFound } from "../errors/api-error.js";
import { discardUploads, placeUploads } from "../files/place-uploads.js";
import type { UploadedFile } from "../files/uploaded-file.js";
import type { HookRuntime, WriteAction } from "../hooks/hook-runtime.js";
import { nowDate } from "../ids.js";
import type { Db, Store } from "../store/store.js";
import { uniqueViolationColumns } from "../store/unique-violation.js";
import { insertRow, updateRowById } from "../store/write-statements.js";
import { accessFor, readOnly } from "./access.js";
import { transactionWithAfterCommit } from "./after-commit.js";
import { canonicalEmail, prepareAuthFields } from "./auth-fields.js";
import { deleteWithReferences } from "./delete-references.js";
import { recordWritten } from "./record-consequences.js";
import { applyInput } from "./record-input.js";
import type { RecordQuery } from "./record-query.js";
import { type RequestContext, requestInfo } from "./request-context.js";
import { type RecordValues, recordToRow } from "./row-mapping.js";
import { checkRelations, validateValues } from "./validate-record.js";

/** Where a write runs (a batch passes its transaction) and which body keys are form strings. */
export interface WriteOptions {
  db?: Db;
  formKeys?: ReadonlySet<string>;
}

/**
 * The write path (DESIGN principle 2): rule check, input, validation, then one transaction with
 * the data change, its audit entry and its outbox event.
 */
export class RecordWriter {
  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
    private readonly query: RecordQuery,
  ) {}

  /** The loaded hooks (set by the app; none in CLI commands). */
  hooks: HookRuntime | undefined;

  private readonly lookup = (idOrName: string) => this.registry.get(idOrName);

  /** Runs fn in the caller's transaction when given one (batch), else in a new one. */
  private inTx<T>(db: Db | undefined, fn: (tx: Db) => Promise<T>): Promise<T> {
    return db ? fn(db) : transactionWithAfterCommit(this.store, fn);
  }

  /**
   * Wraps a write with its hooks: the model-level chain around validation and the row change
   * (inside the transaction), then the after-commit success or error hooks.
   */
  private async hooked(
    action: WriteAction,
    collection: Collection,
    ctx: RequestContext,
    db: Db | undefined,
    subject: () => Record<string, unknown> | undefined,
    write: () => Promise<RecordValues>,
  ): Promise<RecordValues> {
    const hooks = this.hooks;
    if (!hooks) return write();
    let stored: RecordValues;
    try {
      stored = await write();
    } catch (err) {
      await hooks.afterError(action, collection, subject(), ctx, err, db);
      throw err;
    }
    await hooks.afterSuccess(action, collection, stored, ctx, db);
    return stored;
  }

  async create(
    collection: Collection,
    body: Record<string, unknown>,
    ctx: RequestContext,
    opts: WriteOptions = {},
  ): Promise<RecordValues> {
    const db = opts.db;
    readOnly(collection);
    const access = accessFor(collection, "create", ctx);
    const zero: Record<string, unknown> = {};
    for (const f of collection.fields) zero[f.name] = fieldType(f).zero(f);
    const isSuperuser = ctx.superuser;
    const input = applyInput(collection, body, zero as RecordValues, {
      isSuperuser,
      isNew: true,
      ...(opts.formKeys ? { formKeys: opts.formKeys } : {}),
    });
    if (collection.type === "auth" && typeof input.values.email === "string") {
      // Validate and store the one canonical form, so look-alikes can't make a second account.
      input.values.email = canonicalEmail(input.values.email);
    }
    const now = nowDate();
    for (const f of collection.fields) {
      if (f.type === "autodate" && f.onCreate) input.values[f.name] = now;
      if (f.type === "text" && f.autogeneratePattern && input.values[f.name] === "") {
        input.values[f.name] = generateFromPattern(f.autogeneratePattern);
      }
    }
    const validate = async () => {
      const issues: IssueMap = {
        ...input.issues,
        ...validateValues(collection, input.values, {
          isNew: true,
          changed: input.changed,
          getCollection: this.lookup,
        }),
      };
      if (collection.type === "auth")
        Object.assign(issues, await prepareAuthFields(collection, body, input, undefined, ctx));
      throwIfIssues("Failed to create record.", issues);
    };

    const id = String(input.values.id);
    const record = input.values as RecordValues;
    const persist = async (tx: Db): Promise<RecordValues> => {
      throwIfIssues(
        "Failed to create record.",
        await checkRelations(tx, this.query, this.registry, collection, input.values, input.changed),
      );
      await this.insertRow(tx, collection, record);
      if (access.kind === "filter") {
        // The create rule is checked against the new row inside the transaction, so it can use
        // relations; a miss rolls the insert back.
        const scope = this.query.scope(collection, requestInfo(ctx, body));
        const visible = await this.query.findOne(collection, id, this.query.where([access.rule], scope), tx);
        if (!visible) throw badRequest("Failed to create record.");
      }
      const stored = (await this.query.findOne(collection, id, undefined, tx)) as RecordValues;
      await recordWritten(
        tx,
        { collection, action: "create", record: stored, changed: input.changed, ctx },
        this.store.dialect,
      );
      await placeUploads(input.uploads, collection.id, id);
      return stored;
    };
    const hooks = this.hooks;
    const write = async (): Promise<RecordValues> => {
      if (!hooks?.hasModel("create", collection)) {
        await validate();
        return this.inTx(db, persist);
      }
      return this.inTx(db, async (tx) => {
        let stored: RecordValues | undefined;
        const done = await hooks.runModel("create", collection, input, ctx, tx, validate, async () => {
          stored = await persist(tx);
        });
        if (!done || !stored) throw badRequest("Failed to create record.");
        return stored;
      });
    };
    return this.hooked("create", collection, ctx, db, () => input.values, write).catch((err) =>
      discardAndThrow(input.uploads, err),
    );
  }

  async update(
    collection: Collection,
    id: string,
    body: Record<string, unknown>,
    ctx: RequestContext,
    opts: WriteOptions = {},
  ): Promise<RecordValues> {
    const db = opts.db;
    readOnly(collection);
    const access = accessFor(collection, "update", ctx);
    const isSuperuser = ctx.superuser;
    const uploads: UploadedFile[] = [];
    let subject: Record<string, unknown> | undefined;
    const write = () =>
      this.inTx(db, async (tx) => {
        const current = await this.query.findOne(collection, id, undefined, tx);
        if (!current) throw notFound();
        if (access.kind === "filter") {
          const scope = this.query.scope(collection, requestInfo(ctx, body), current);
          if (!(await this.query.findOne(collection, id, this.query.where([access.rule], scope), tx)))
            throw notFound();
        }
        const input = applyInput(collection, body, current, {
          isSuperuser,
          isNew: false,
          ...(opts.formKeys ? { formKeys: opts.formKeys } : {}),
        });
        subject = input.values;
        uploads.push(...input.uploads);
        if (collection.type === "auth" && typeof input.values.email === "string") {
          // Validate and store the one canonical form, so look-alikes can't make a second account.
          input.values.email = canonicalEmail(input.values.email);
        }
        for (const f of collection.fields)
          if (f.type === "autodate" && f.onUpdate) input.values[f.name] = nowDate();
        const validate = async () => {
          const issues: IssueMap = {
            ...input.issues,
            ...validateValues(collection, input.values, {
              isNew: false,
              changed: input.changed,
              previous: current,
              getCollection: this.lookup,
            }),
          };
          if (collection.type === "auth")
            Object.assign(issues, await prepareAuthFields(collection, body, input, current, ctx));
          throwIfIssues("Failed to update record.", issues);
          throwIfIssues(
            "Failed to update record.",
            await checkRelations(tx, this.query, this.registry, collection, input.values, input.changed),
          );
        };
        const persist = async (): Promise<RecordValues> => {
          const columns = collection.fields
            .filter((f) => input.changed.has(f.name) || (f.type === "autodate" && f.onUpdate))
            .map((f) => f.name);
          if (columns.length > 0) {
            const row = recordToRow(collection, input.values, this.store.dialect, columns);
            await this.guardUnique(() => updateRowById(tx, this.store.dialect, collection.name, row, id));
          }
          const stored = (await this.query.findOne(collection, id, undefined, tx)) as RecordValues;
          await recordWritten(
            tx,
            {
              collection,
              action: "update",
              record: stored,
              previous: current,
              changed: input.changed,
              ctx,
            },
            this.store.dialect,
          );
          // Replaced and removed files are deleted after commit, from the outbox (files/file-cleanup.ts).
          await placeUploads(uploads, collection.id, id);
          return stored;
        };
        const hooks = this.hooks;
        if (!hooks?.hasModel("update", collection)) {
          await validate();
          return persist();
        }
        let stored: RecordValues | undefined;
        const done = await hooks.runModel("update", collection, input, ctx, tx, validate, async () => {
          stored = await persist();
        });
        if (!done || !stored) throw badRequest("Failed to update record.");
        return stored;
      });
    return this.hooked("update", collection, ctx, db, () => subject, write).catch((err) =>
      discardAndThrow(uploads, err),
    );
  }

  async delete(collection: Collection, id: string, ctx: RequestContext, db?: Db): Promise<void> {
    readOnly(collection);
    const access = accessFor(collection, "delete", ctx);
    let subject: Record<string, unknown> | undefined;
    const write = () =>
      this.inTx(db, async (tx) => {
        const where =
          access.kind === "filter"
            ? this.query.where([access.rule], this.query.scope(collection, requestInfo(ctx)))
            : undefined;
        const current = await this.query.findOne(collection, id, where, tx);
        if (!current) throw notFound();
        subject = current;
        const remove = () =>
          deleteWithReferences(tx, this.store, this.registry, this.query, collection, current, (c, record) =>
            recordWritten(tx, { collection: c, action: "delete", record, ctx }, this.store.dialect),
          );
        const hooks = this.hooks;
        if (!hooks?.hasModel("delete", collection)) {
          await remove();
          return current;
        }
        const draft = { values: { ...current }, changed: new Set<string>() };
        const done = await hooks.runModel("delete", collection, draft, ctx, tx, async () => {}, remove);
        if (!done) throw badRequest("Failed to delete record.");
        return current;
      });
    await this.hooked("delete", collection, ctx, db, () => subject, write);
  }

  private async insertRow(tx: Db, collection: Collection, record: RecordValues): Promise<void> {
    const row = recordToRow(collection, record, this.store.dialect);
    await this.guardUnique(() => insertRow(tx, this.store.dialect, collection.name, row));
  }

  /** Turns a unique-index failure into the 400 a client can act on. */
  private async guardUnique(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      const columns = uniqueViolationColumns(err);
      if (!columns) throw err;
      const data: IssueMap = {};
      for (const c of columns.length ? columns : ["id"])
        data[c] = issue("validation_not_unique", "Value must be unique.");
      throw new ApiError(400, "Failed to save record.", data);
    }
  }
}

/** A write that fails after placing its uploads removes them: no file outlives a rolled-back write. */
async function discardAndThrow(uploads: UploadedFile[], err: unknown): Promise<never> {
  await discardUploads(uploads);
  throw err;
}

function throwIfIssues(message: string, issues: IssueMap): void {
  if (Object.keys(issues).length > 0) throw new ApiError(400, message, issues);
}
