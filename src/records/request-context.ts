import type { ApiKeyPrincipal } from "../auth/api-keys/principal.js";
import { scopeAllows } from "../auth/api-keys/scopes.js";
import type { Collection } from "../collections/model.js";
import type { RequestInfo } from "../rules/index.js";

/** The authenticated caller: a record of an auth collection, with its collection. */
export interface AuthState {
  record: Record<string, unknown> & { id: string };
  collection: Collection;
  /** Superuser = a record of `_superusers`; bypasses every rule. */
  isSuperuser: boolean;
  /** What `@request.auth` reads, built on first use (see requestInfo). */
  ruleView?: RequestInfo["auth"];
}

/** What the records layer needs to know about the request that asks. */
export interface RequestContext {
  auth: AuthState | null;
  /** Acts with full rights: a superuser's request, or an internal call (CLI, bootstrap). */
  superuser: boolean;
  query: Record<string, string>;
  /** The HTTP headers as sent, lower-case names (rules see `-` as `_`, see resolve-request). */
  headers: Record<string, string>;
  method: string;
  /** PocketBase's @request.context: default, oauth2, otp, password, realtime, protectedFile. */
  context: string;
  requestId: string;
  ip: string;
  /** Set when an API key signs the request: superuser rights, narrowed to its scopes by accessFor. */
  apiKey?: ApiKeyPrincipal;
  /** Path and query of the HTTP request (for hooks). */
  url?: string;
}

/** Rule views of frozen auth records: those are shared by requests (see AuthRecordCache). */
const sharedRuleViews = new WeakMap<object, NonNullable<RequestInfo["auth"]>>();

function ruleViewOf(state: AuthState): NonNullable<RequestInfo["auth"]> {
  const shared = Object.isFrozen(state.record);
  let view = shared ? sharedRuleViews.get(state.record) : undefined;
  if (!view) {
    view = {
      ...state.record,
      collectionId: state.collection.id,
      collectionName: state.collection.name,
    };
    if (shared) sharedRuleViews.set(state.record, Object.freeze(view));
  }
  return view;
}

/** The @request.* values a rule may read, for one operation (body differs per write). */
export function requestInfo(ctx: RequestContext, body: Record<string, unknown> = {}): RequestInfo {
  const state = ctx.auth;
  let auth: RequestInfo["auth"] = null;
  if (state) {
    state.ruleView ??= ruleViewOf(state);
    auth = state.ruleView;
  }
  return {
    auth,
    body,
    query: ctx.query,
    headers: ctx.headers,
    method: ctx.method,
    context: ctx.context,
    isSuperuser: ctx.superuser,
    apiKey: ctx.apiKey ? keyView(ctx.apiKey) : undefined,
  };
}

/** What rules know of an API key: its id, and the collections its scopes let it list. */
function keyView(key: ApiKeyPrincipal): NonNullable<RequestInfo["apiKey"]> {
  return { id: key.id, mayList: (collection) => scopeAllows(key.scopes, collection, "list") };
}

/** A context for internal calls (CLI, bootstrap): acts as a superuser. */
export function systemContext(): RequestContext {
  return {
    auth: null,
    superuser: true,
    query: {},
    headers: {},
    method: "POST",
    context: "default",
    requestId: "",
    ip: "",
  };
}

/** @request values for internal lookups that act with full rights. */
export const SYSTEM_REQUEST: RequestInfo = {
  auth: null,
  body: {},
  query: {},
  headers: {},
  method: "GET",
  context: "default",
  isSuperuser: true,
};
