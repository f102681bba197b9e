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
  /**
   * Set when an API key signs the request (`isSuperuser` is then true): its id, and whether its
   * scopes let it list a collection. A client filter sees through relations only into those.
   */
  apiKey?: { id: string; mayList(collection: Collection): boolean } | undefined;
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
   * Who wrote the text. "client" (the default): a filter or sort a client sent; it may read hidden
   * fields only as a superuser, and each step through a relation, back-relation or `@collection`
   * sees only the target's rows the requester may list (visibility.ts). "rule": a collection rule,
   * written by the app's developer; hidden fields are readable and every row is seen.
   */
  source?: "client" | "rule" | undefined;
}

/** Read access to other records for the in-memory evaluator (relations, back-relations, @collection). */
export interface DataSource {
  getById(collection: Collection, id: string): Record<string, unknown> | undefined;
  all(collection: Collection): Iterable<Record<string, unknown>>;
}

/** For rules that read no other row (`needsData` false): the evaluator never consults it. */
export const NO_OTHER_ROWS: DataSource = { getById: () => undefined, all: () => [] };
