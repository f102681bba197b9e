import type { FailedAttempts } from "../auth/attempts/failed-attempts.js";
import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { applyWriteValues, fieldType, storeValues } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { ApiError, badRequest, type IssueMap, issue, notFound } from "../errors/api-error.js";
import { discardUploads, placeUploads } from "../files/place-uploads.js";
import type { UploadedFile } from "../files/uploaded-file.js";
import { nowDate } from "../ids.js";
import type { Expr } from "../rules/index.js";
import type { Db, Store } from "../store/store.js";
import { uniqueViolationColumns } from "../store/unique-violation.js";
import { insertRow, updateRowById } from "../store/write-statements.js";
import { accessFor, manageAccessFor, readOnly } from "./access.js";
import { transactionWithAfterCommit } from "./after-commit.js";
import { canonicalEmail, checkAuthFields, prepareAuthFields, valuesMismatch } from "./auth-fields.js";
import { deleteWithReferences } from "./delete-references.js";
import { checkIfMatch, lockForIfMatch } from "./if-match.js";
import type { ModelHooks, WriteAction } from "./model-hooks.js";
import { recordWritten } from "./record-consequences.js";
import { applyInput } from "./record-input.js";
import type { RecordQuery } from "./record-query.js";
import { type RequestContext, requestInfo } from "./request-context.js";
import { type RecordValues, recordToRow, rowToRecord } from "./row-mapping.js";
import { checkRelations, validateValues } from "./validate-record.js";

/** Where a write runs (a batch passes its transaction) and which body keys are form strings. */
export interface WriteOptions {
  db?: Db;
  formKeys?: ReadonlySet<string>;
  /** The request's If-Match header: update/delete only that version (else 412). */
  ifMatch?: string;
}

/**
 * The write path (DESIGN principle 2): rule check, input, validation, then one transaction with
 * the data change, its audit entry and its outbox event.
 */
/** What a writer may be given besides the store: none of it in migrations and CLI commands. */
export interface WriterOptions {
  /** The app's model-level hooks. */
  hooks?: ModelHooks;
  /** Counts wrong `oldPassword`s as failed sign-ins of the account. */
  failedAttempts?: Pick<FailedAttempts, "check">;
}

export class RecordWriter {
  private readonly hooks: ModelHooks | undefined;
  private readonly failedAttempts: Pick<FailedAttempts, "check"> | undefined;

  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
    private readonly query: RecordQuery,
    options: WriterOptions = {},
  ) {
    this.hooks = options.hooks;
    this.failedAttempts = options.failedAttempts;
  }

  private readonly lookup = (idOrName: string) => this.registry.get(idOrName);

  /**
   * Runs fn in the caller's transaction when given one (batch), else in a new one; either way
   * first making sure `collection`, which the write was checked against, is still the committed
   * definition (several nodes: see CollectionRegistry.assertCurrent).
   */
  private inTx<T>(db: Db | undefined, collection: Collection, fn: (tx: Db) => Promise<T>): Promise<T> {
    const guarded = async (tx: Db) => {
      await this.registry.assertCurrent(tx, collection);
      return fn(tx);
    };
    return db ? guarded(db) : transactionWithAfterCommit(this.store, guarded);
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
    /** The stored record before the write (update, delete), for hooks' `record.original()`. */
    original: () => Record<string, unknown> | undefined = () => undefined,
  ): Promise<RecordValues> {
    const hooks = this.hooks;
    if (!hooks) return write();
    let stored: RecordValues;
    try {
      stored = await write();
    } catch (err) {
      await hooks.afterError(action, collection, subject(), ctx, err, db, original());
      throw err;
    }
    await hooks.afterSuccess(action, collection, stored, ctx, db, original());
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
    applyWriteValues(collection.fields, input.values, { isNew: true, now: nowDate() });
    const validate = async () => {
      const issues: IssueMap = {
        ...input.issues,
        ...validateValues(collection, input.values, {
          isNew: true,
          changed: input.changed,
          getCollection: this.lookup,
        }),
      };
      throwIfIssues("Failed to create record.", issues);
      await storeValues(collection.fields, input.values, input.changed, STORE_CONTEXT);
      if (collection.type === "auth") await prepareAuthFields(collection, input, undefined);
    };
    // A manager's `verified: true` whose manageRule can only be checked on the inserted row.
    let verifiedByRule: Expr | undefined;
    const checkAccount = async () => {
      if (collection.type !== "auth") return;
      const manage = manageAccessFor(collection, ctx);
      const issues = await checkAuthFields(body, input, undefined, async () => {
        if (manage?.kind === "filter") verifiedByRule = manage.rule;
        return manage !== undefined;
      });
      throwIfIssues("Failed to create record.", issues);
    };

    const id = String(input.values.id);
    const record = input.values as RecordValues;
    const persist = async (tx: Db): Promise<RecordValues> => {
      throwIfIssues(
        "Failed to create record.",
        await checkRelations(tx, this.query, this.registry, collection, input.values, input.changed),
      );
      // As PocketBase, the create and manage rules see the new record unverified.
      let stored = await this.insertRow(
        tx,
        collection,
        verifiedByRule ? { ...record, verified: false } : record,
      );
      if (access.kind === "filter") {
        // The create rule is checked against the new row inside the transaction, so it can use
        // relations; a miss rolls the insert back.
        const scope = this.query.scope(collection, requestInfo(ctx, body));
        const visible =
          this.query.ruleMatches(access.rule, scope, stored) ??
          (await this.query.findOne(collection, id, this.query.where([access.rule], scope), tx)) !==
            undefined;
        if (!visible) throw badRequest("Failed to create record.");
      }
      if (verifiedByRule) {
        if (!(await this.matches(tx, collection, id, verifiedByRule, ctx, body)))
          throw new ApiError(400, "Failed to create record.", { verified: valuesMismatch() });
        const row = recordToRow(collection, { verified: true }, this.store.dialect);
        const updated = await updateRowById(
          tx,
          this.store.dialect,
          collection.name,
          row,
          id,
          columnsOf(collection),
        );
        stored = rowToRecord(collection, updated as Record<string, unknown>, this.store.dialect);
      }
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
      await checkAccount();
      if (!hooks?.hasModel("create", collection)) {
        await validate();
        return this.inTx(db, collection, persist);
      }
      return this.inTx(db, collection, async (tx) => {
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
    let original: Record<string, unknown> | undefined;
    const write = () =>
      this.inTx(db, collection, async (tx) => {
        if (opts.ifMatch !== undefined) await lockForIfMatch(tx, this.store, collection, id);
        const current = await this.query.findOne(collection, id, undefined, tx);
        if (!current) throw notFound();
        if (access.kind === "filter") {
          const scope = this.query.scope(collection, requestInfo(ctx, body), current);
          const allowed =
            this.query.ruleMatches(access.rule, scope, current) ??
            (await this.query.findOne(collection, id, this.query.where([access.rule], scope), tx)) !==
              undefined;
          if (!allowed) throw notFound();
        }
        if (opts.ifMatch !== undefined) checkIfMatch(opts.ifMatch, current);
        const input = applyInput(collection, body, current, {
          isSuperuser,
          isNew: false,
          ...(opts.formKeys ? { formKeys: opts.formKeys } : {}),
        });
        subject = input.values;
        original = current;
        uploads.push(...input.uploads);
        if (collection.type === "auth" && typeof input.values.email === "string") {
          // Validate and store the one canonical form, so look-alikes can't make a second account.
          input.values.email = canonicalEmail(input.values.email);
        }
        if (collection.type === "auth") {
          const manage = manageAccessFor(collection, ctx);
          const issues = await checkAuthFields(
            body,
            input,
            current,
            async () =>
              manage?.kind === "filter"
                ? this.matches(tx, collection, id, manage.rule, ctx, body, current)
                : manage !== undefined,
            this.passwordCheck(collection, id, ctx),
          );
          throwIfIssues("Failed to update record.", issues);
        }
        const serverSet = applyWriteValues(collection.fields, input.values, { isNew: false, now: nowDate() });
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
          throwIfIssues("Failed to update record.", issues);
          throwIfIssues(
            "Failed to update record.",
            await checkRelations(tx, this.query, this.registry, collection, input.values, input.changed),
          );
          await storeValues(collection.fields, input.values, input.changed, STORE_CONTEXT);
          if (collection.type === "auth") await prepareAuthFields(collection, input, current);
        };
        const persist = async (): Promise<RecordValues> => {
          const columns = collection.fields
            .filter((f) => input.changed.has(f.name) || serverSet.includes(f.name))
            .map((f) => f.name);
          let stored = current;
          if (columns.length > 0) {
            const dialect = this.store.dialect;
            const row = recordToRow(collection, input.values, dialect, columns);
            const updated = await this.guardUnique(() =>
              updateRowById(tx, dialect, collection.name, row, id, columnsOf(collection)),
            );
            // Deleted by a concurrent transaction since it was read (PostgreSQL's read committed).
            if (!updated) throw notFound();
            stored = rowToRecord(collection, updated, dialect);
          }
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
        const done = await hooks.runModel(
          "update",
          collection,
          input,
          ctx,
          tx,
          validate,
          async () => {
            stored = await persist();
          },
          current,
        );
        if (!done || !stored) throw badRequest("Failed to update record.");
        return stored;
      });
    return this.hooked(
      "update",
      collection,
      ctx,
      db,
      () => subject,
      write,
      () => original,
    ).catch((err) => discardAndThrow(uploads, err));
  }

  async delete(
    collection: Collection,
    id: string,
    ctx: RequestContext,
    db?: Db,
    opts: { ifMatch?: string } = {},
  ): Promise<void> {
    readOnly(collection);
    const access = accessFor(collection, "delete", ctx);
    let subject: Record<string, unknown> | undefined;
    const write = () =>
      this.inTx(db, collection, async (tx) => {
        if (opts.ifMatch !== undefined) await lockForIfMatch(tx, this.store, collection, id);
        const where =
          access.kind === "filter"
            ? this.query.where([access.rule], this.query.scope(collection, requestInfo(ctx)))
            : undefined;
        const current = await this.query.findOne(collection, id, where, tx);
        if (!current) throw notFound();
        if (opts.ifMatch !== undefined) checkIfMatch(opts.ifMatch, current);
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
        const done = await hooks.runModel(
          "delete",
          collection,
          draft,
          ctx,
          tx,
          async () => {},
          remove,
          current,
        );
        if (!done) throw badRequest("Failed to delete record.");
        return current;
      });
    await this.hooked(
      "delete",
      collection,
      ctx,
      db,
      () => subject,
      write,
      () => subject,
    );
  }

  /** Compares a password with record `id`'s hash as a sign-in would: failures count against the account. */
  private passwordCheck(collection: Collection, id: string, ctx: RequestContext) {
    const attempts = this.failedAttempts;
    return (hash: string, plain: string): Promise<boolean> =>
      attempts
        ? attempts.check(`${collection.id}:${id}`, ctx.ip, () => verifyPassword(hash, plain))
        : verifyPassword(hash, plain);
  }

  /** Whether record `id`, as `tx` sees it, matches `rule` for this request. */
  private async matches(
    tx: Db,
    collection: Collection,
    id: string,
    rule: Expr,
    ctx: RequestContext,
    body: Record<string, unknown>,
    current?: RecordValues,
  ): Promise<boolean> {
    const scope = this.query.scope(collection, requestInfo(ctx, body), current);
    return (await this.query.findOne(collection, id, this.query.where([rule], scope), tx)) !== undefined;
  }

  /** Inserts the record and answers it as stored (read back by the INSERT itself). */
  private async insertRow(tx: Db, collection: Collection, record: RecordValues): Promise<RecordValues> {
    const row = recordToRow(collection, record, this.store.dialect);
    const dialect = this.store.dialect;
    const stored = await this.guardUnique(() =>
      insertRow(tx, dialect, collection.name, row, columnsOf(collection)),
    );
    return rowToRecord(collection, stored as Record<string, unknown>, dialect);
  }

  /** Turns a unique-index failure into the 400 a client can act on. */
  private async guardUnique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
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

/** What field types need to store a value (a new password's hash). */
const STORE_CONTEXT = { hashPassword };

function throwIfIssues(message: string, issues: IssueMap): void {
  if (Object.keys(issues).length > 0) throw new ApiError(400, message, issues);
}

// Collections are replaced on every schema change, so a list never outlives its fields.
const columnLists = new WeakMap<Collection, readonly string[]>();

/** The collection's columns, which a write reads back from the row it stored. */
function columnsOf(collection: Collection): readonly string[] {
  let columns = columnLists.get(collection);
  if (!columns) {
    columns = collection.fields.map((f) => f.name);
    columnLists.set(collection, columns);
  }
  return columns;
}
