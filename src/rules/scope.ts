import type { Collection } from "../collections/model.js";

/** What a rule may read about the current request (`@request.*`). */
export interface RequestInfo {
  auth: (Record<string, unknown> & { id: string; collectionId: string; collectionName: string }) | null;
  body: Record<string, unknown>;
  query: Record<string, string>;
  /** Header names in any case; rules see them lower-cased with `-` replaced by `_`. */
  headers: Record<string, string>;
  method: string;
  /** `default`, `oauth2`, `otp`, `password`, `realtime` or `protectedFile`. */
  context: string;
  isSuperuser: boolean;
}

export interface RuleScope {
  collection: Collection;
  getCollection(idOrName: string): Collection | undefined;
  request: RequestInfo;
  /** The instant the datetime macros refer to; defaults to the current time. */
  now?: Date;
  /** The stored record on update, for `@request.body.x:changed`. */
  current?: Record<string, unknown>;
  /**
   * Collection rules (written by superusers) may use hidden fields; client filters may not unless
   * the client is a superuser. Defaults to `request.isSuperuser`.
   */
  allowHiddenFields?: boolean;
}

/** Read access to other records for the in-memory evaluator (relations, back-relations, @collection). */
export interface DataSource {
  getById(collection: Collection, id: string): Record<string, unknown> | undefined;
  all(collection: Collection): Iterable<Record<string, unknown>>;
}
