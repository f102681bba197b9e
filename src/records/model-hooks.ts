import type { Collection } from "../collections/model.js";
import type { Db } from "../store/store.js";
import type { RequestContext } from "./request-context.js";

export type WriteAction = "create" | "update" | "delete";

/** A write's draft as the writer holds it: hooks change `values`; `changed` learns what they touched. */
export interface WriteDraft {
  values: Record<string, unknown>;
  changed: Set<string>;
}

/**
 * What the writer asks of the app's model-level hooks. Defined here, next to the writer, so the
 * records layer does not depend on the hooks module; `hooks/hook-runtime.ts` implements it.
 */
export interface ModelHooks {
  /** Whether a write of this kind has model-level hooks (then validation runs inside the transaction). */
  hasModel(action: WriteAction, collection: Collection): boolean;
  /**
   * Runs the model-level chain of a write around `inner` (validation and the row change), inside
   * the write's transaction. Resolves false when a hook stopped the chain without calling next.
   */
  runModel(
    action: WriteAction,
    collection: Collection,
    draft: WriteDraft,
    ctx: RequestContext,
    tx: Db,
    validate: () => Promise<void>,
    inner: () => Promise<void>,
    /** The stored record before the write (update, delete), for hooks' `record.original()`. */
    original?: Record<string, unknown>,
  ): Promise<boolean>;
  /**
   * The after-commit hooks of a successful write (queued on `tx` when given); `original` is the
   * stored record before an update or delete (hooks' `record.original()`).
   */
  afterSuccess(
    action: WriteAction,
    collection: Collection,
    record: Record<string, unknown>,
    ctx: RequestContext,
    tx: Db | undefined,
    original?: Record<string, unknown>,
  ): Promise<void>;
  /** The error hooks of a failed write (after the outer transaction, when there is one). */
  afterError(
    action: WriteAction,
    collection: Collection,
    record: Record<string, unknown> | undefined,
    ctx: RequestContext,
    error: unknown,
    tx: Db | undefined,
    original?: Record<string, unknown>,
  ): Promise<void>;
}
