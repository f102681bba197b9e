/**
 * The typed surface hooks are written against: `defineHooks((app) => { … })` receives a
 * {@link HooksApp}; every handler receives an event whose `next()` runs the rest of the chain
 * (and, innermost, Backroom's own behaviour).
 */

import type { MailerMessage } from "../auth/mail/mailer.js";
import type { EnqueueOptions, JobHandler } from "../jobs/job-types.js";
import type { PushSendOptions } from "../push/push-message.js";

export type { MailAddress, MailerMessage } from "../auth/mail/mailer.js";

/** Sends mail through Settings → SMTP (PocketBase's `$app.newMailClient()`). */
export interface MailClient {
  send(message: MailerMessage): Promise<void>;
}

/** A record as hooks see it: every field, hidden ones included, readable and (before save) writable. */
export interface HookRecord {
  readonly id: string;
  readonly collectionName: string;
  get(field: string): unknown;
  /** Changes a field; before `e.next()` in a create/update/validate hook, the change is saved. */
  set(field: string, value: unknown): void;
  /** A plain copy of the values. */
  toJSON(): Record<string, unknown>;
  /**
   * The record as it was before this change (PocketBase's `record.original()`): on update, the
   * stored record; on delete, the record deleted; on create, a record with no values.
   */
  original(): HookRecord;
}

export interface HookCollection {
  id: string;
  name: string;
  type: "base" | "auth" | "view";
}

/** The caller: a record of an auth collection (superusers are records of `_superusers`). */
export interface HookAuth {
  id: string;
  collectionName: string;
  isSuperuser: boolean;
  record: Record<string, unknown>;
}

export interface HookRequest {
  method: string;
  /** Path and query string. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON (or form) body; undefined for requests without one. */
  body: unknown;
  /** Custom routes: the body's bytes as received (for signature checks such as verifyWebhookSignature). */
  rawBody?: Buffer;
  /** The client's IP (trusted-proxy aware). */
  ip: string;
  /** A `{name}` segment of a custom route's path. */
  pathValue(name: string): string;
}

/** Issue map of an API error: field name → { code, message }. */
export type HookErrorData = Record<string, { code: string; message: string }>;

/** Throwing helpers every event carries: each throws an API error the client receives as is. */
export interface HookErrors {
  badRequest(message?: string, data?: HookErrorData): never;
  unauthorized(message?: string): never;
  forbidden(message?: string): never;
  notFound(message?: string): never;
  /** Any status (4xx is shown to the client; 5xx is logged and shown generically). */
  error(status: number, message: string, data?: HookErrorData): never;
}

export interface HookEvent extends HookErrors {
  /** The app, bound to the current transaction where there is one. */
  app: HooksAppData;
  /** Runs the rest of the chain; a handler that doesn't call it stops the operation there. */
  next(): Promise<void>;
}

/** Model-level events: every save of a record (API, batch, other hooks), inside its transaction. */
export interface RecordEvent extends HookEvent {
  collection: HookCollection;
  record: HookRecord;
  /** The caller of the request behind the save, when there is one. */
  auth: HookAuth | null;
}

/** After-commit events: the change is durable (success) or was rolled back (error). */
export interface RecordAfterEvent {
  app: HooksAppData;
  collection: HookCollection;
  record: HookRecord;
  auth: HookAuth | null;
  /** Set on the `…Error` events. */
  error?: unknown;
  next(): Promise<void>;
}

/** Request-level events: one API call on the records API (also each request of a batch). */
export interface RecordRequestEvent extends HookEvent {
  collection: HookCollection;
  auth: HookAuth | null;
  request: HookRequest;
  /** The request's data (create/update); changes before `e.next()` are what is saved. */
  body: Record<string, unknown>;
  /**
   * Update/delete/view: the record as stored, before `e.next()`.
   * Create/update/view: after `e.next()`, the record as the response will show it.
   */
  record: Record<string, unknown> | null;
  /** Replaces the response (then `e.next()` is usually not called). */
  json(status: number, body: unknown): void;
}

export interface RecordsListRequestEvent extends HookEvent {
  collection: HookCollection;
  auth: HookAuth | null;
  request: HookRequest;
  /** After `e.next()`: the page the response will show (items may be changed). */
  result: { page: number; perPage: number; totalItems: number; totalPages: number; items: unknown[] } | null;
  json(status: number, body: unknown): void;
}

/** A successful sign-in of any method, before the token is issued. */
export interface RecordAuthRequestEvent extends HookEvent {
  collection: HookCollection;
  record: HookRecord;
  /** password, otp, oauth2, refresh, impersonate. */
  authMethod: string;
  request: HookRequest | null;
  /** After `e.next()`: the response body ({ token, record, meta? }); may be changed. */
  response: Record<string, unknown> | null;
}

/** A custom route's request. */
export interface RouteEvent extends HookEvent {
  request: HookRequest;
  auth: HookAuth | null;
  json(status: number, body: unknown): void;
  string(status: number, text: string): void;
  html(status: number, html: string): void;
  /** Any bytes with their content type (a CSV, a PDF, an image). */
  blob(status: number, contentType: string, body: Uint8Array | string): void;
  noContent(status?: number): void;
  redirect(status: number, url: string): void;
  /** Sets a response header; a `content-type` set here wins over json/string/html's own. */
  header(name: string, value: string): void;
}

export type Handler<E> = (e: E) => Promise<void> | void;
export type RouteHandler = Handler<RouteEvent>;

export interface FindOptions {
  sort?: string;
  limit?: number;
  offset?: number;
  /** Values for `{:name}` placeholders in the filter (quoted safely). */
  params?: Record<string, string | number | boolean | null>;
}

/**
 * Who a push goes to: one auth record (`e.record`, a found record, or `{ collectionName, id }`), or
 * the records of an auth collection that match a filter.
 */
export type PushTarget =
  | { collectionName: string; id: string }
  | { collectionId: string; id: string }
  | { collection: string; filter: string; params?: FindOptions["params"] };

/** Data access for hooks: full rights (no rules), in the current transaction when there is one. */
export interface HooksAppData {
  findRecordById(collection: string, id: string): Promise<Record<string, unknown> | null>;
  findRecordsByFilter(
    collection: string,
    filter: string,
    options?: FindOptions,
  ): Promise<Record<string, unknown>[]>;
  findFirstRecordByFilter(
    collection: string,
    filter: string,
    params?: FindOptions["params"],
  ): Promise<Record<string, unknown> | null>;
  countRecords(collection: string, filter?: string, params?: FindOptions["params"]): Promise<number>;
  /** Creates a record (fires the model hooks of that collection too). */
  createRecord(collection: string, data: Record<string, unknown>): Promise<Record<string, unknown>>;
  updateRecord(
    collection: string,
    id: string,
    data: Record<string, unknown>,
  ): Promise<Record<string, unknown>>;
  deleteRecord(collection: string, id: string): Promise<void>;
  /** Runs fn in one transaction (joins the current one when there is one). */
  runInTransaction<T>(fn: (app: HooksAppData) => Promise<T>): Promise<T>;
  jobs: {
    enqueue<P>(name: string, payload: P, options?: Omit<EnqueueOptions, "tx">): Promise<{ id: string }>;
  };
  /** A mail client using Settings → SMTP, sender defaults from Settings → meta. */
  newMailClient(): MailClient;
  /** Web Push to the browsers that accounts registered (`POST /api/push/subscriptions`). */
  push: {
    /**
     * Queues `payload` (text, or a JSON value; at most 3993 bytes) for every subscription of the
     * target accounts: one durable job per subscription, retried on 5xx/network errors; a
     * subscription the push service reports gone (404/410) is deleted. In a model-level hook the
     * jobs join the write's transaction. A payload too large or a bad option throws a 400 at once.
     */
    send(target: PushTarget, payload: unknown, options?: PushSendOptions): Promise<{ queued: number }>;
  };
  logger: {
    info(msg: string, data?: object): void;
    warn(msg: string, data?: object): void;
    error(msg: string, data?: object): void;
  };
}

/** Route middleware: call `e.next()` to go on, or throw to stop with an error. */
export type Middleware = Handler<RouteEvent>;

/** What `defineHooks` receives: registration on top of data access. */
export interface HooksApp extends HooksAppData {
  onRecordValidate(handler: Handler<RecordEvent>, ...collections: string[]): void;
  onRecordCreate(handler: Handler<RecordEvent>, ...collections: string[]): void;
  onRecordUpdate(handler: Handler<RecordEvent>, ...collections: string[]): void;
  onRecordDelete(handler: Handler<RecordEvent>, ...collections: string[]): void;
  onRecordAfterCreateSuccess(handler: Handler<RecordAfterEvent>, ...collections: string[]): void;
  onRecordAfterUpdateSuccess(handler: Handler<RecordAfterEvent>, ...collections: string[]): void;
  onRecordAfterDeleteSuccess(handler: Handler<RecordAfterEvent>, ...collections: string[]): void;
  onRecordAfterCreateError(handler: Handler<RecordAfterEvent>, ...collections: string[]): void;
  onRecordAfterUpdateError(handler: Handler<RecordAfterEvent>, ...collections: string[]): void;
  onRecordAfterDeleteError(handler: Handler<RecordAfterEvent>, ...collections: string[]): void;
  onRecordCreateRequest(handler: Handler<RecordRequestEvent>, ...collections: string[]): void;
  onRecordUpdateRequest(handler: Handler<RecordRequestEvent>, ...collections: string[]): void;
  onRecordDeleteRequest(handler: Handler<RecordRequestEvent>, ...collections: string[]): void;
  onRecordViewRequest(handler: Handler<RecordRequestEvent>, ...collections: string[]): void;
  onRecordsListRequest(handler: Handler<RecordsListRequestEvent>, ...collections: string[]): void;
  onRecordAuthRequest(handler: Handler<RecordAuthRequestEvent>, ...collections: string[]): void;

  /** A custom HTTP route; `{name}` segments are path values, a last `{name...}` takes the rest. */
  routerAdd(method: string, path: string, handler: RouteHandler, ...middlewares: Middleware[]): void;
  /** Route middleware: 401 without a signed-in caller (optionally of these collections). */
  requireAuth(...collections: string[]): Middleware;
  /** Route middleware: 401/403 unless the caller is a superuser. */
  requireSuperuser(): Middleware;

  /**
   * Runs fn on a cron schedule (5 fields, or 6 with seconds; UTC), once per tick across all
   * nodes. `tick` is the scheduled time (ISO 8601), the same on every node.
   */
  cronAdd(id: string, expression: string, fn: (tick: { scheduledAt: string }) => Promise<void> | void): void;

  jobs: HooksAppData["jobs"] & {
    define<P>(name: string, handler: JobHandler<P>): void;
  };
}

/** The default export of a hooks file. */
export type HooksSetup = ((app: HooksApp) => void | Promise<void>) & { readonly __backroomHooks?: true };
