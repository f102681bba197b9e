import type { ApiKeyPrincipal } from "../auth/api-keys/principal.js";
import { identify, tokenFromHeader } from "../auth/authenticate.js";
import { peekClaims } from "../auth/tokens.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import type { AuthState, RequestContext } from "../records/request-context.js";
import type { Store } from "../store/store.js";

/**
 * Who a realtime client speaks for, with what is needed to notice, without a query, that its
 * token stopped being valid: the token's expiry, the record's tokenKey and the collection secret
 * the token was signed with.
 */
export type Principal =
  | { kind: "auth"; auth: AuthState; expiresAt: number; tokenKey: string; secret: string }
  | { kind: "apiKey"; apiKey: ApiKeyPrincipal; key: string };

export interface PrincipalDeps {
  store: Store;
  registry: CollectionRegistry;
  query: RecordQuery;
}

export function authSecret(collection: Collection): string {
  return (collection.auth?.authToken as { secret?: string } | undefined)?.secret ?? "";
}

/** Resolves an Authorization header (auth token or API key) as the REST API does; null = guest. */
export async function principalOf(
  header: string | undefined,
  deps: PrincipalDeps,
): Promise<Principal | null> {
  const { auth, apiKey } = await identify(header, deps);
  if (apiKey) return { kind: "apiKey", apiKey, key: tokenFromHeader(header) };
  if (!auth) return null;
  const exp = Number(peekClaims(tokenFromHeader(header))?.exp ?? 0);
  return {
    kind: "auth",
    auth,
    expiresAt: exp > 0 ? exp * 1000 : Number.POSITIVE_INFINITY,
    tokenKey: String(auth.record.tokenKey ?? ""),
    secret: authSecret(auth.collection),
  };
}

/** The identity key a client is bound to: one auth record or one API key. */
export function identityKey(p: Principal | null): string {
  if (!p) return "";
  return p.kind === "auth" ? `${p.auth.collection.id}/${p.auth.record.id}` : `apikey/${p.apiKey.id}`;
}

/** Whether an auth principal still holds: token unexpired, collection and its secret unchanged. */
export function stillValid(p: Principal, registry: CollectionRegistry, now: number): boolean {
  if (p.kind !== "auth") return true;
  const collection = registry.get(p.auth.collection.id);
  return now < p.expiresAt && collection !== undefined && authSecret(collection) === p.secret;
}

/** The request context rules and serialization see for one subscription of a client. */
export function realtimeContext(
  p: Principal | null,
  ip: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): RequestContext {
  const auth = p?.kind === "auth" ? p.auth : null;
  return {
    auth,
    ...(p?.kind === "apiKey" ? { apiKey: p.apiKey } : {}),
    superuser: auth ? auth.isSuperuser : p?.kind === "apiKey",
    query,
    headers,
    method: "GET",
    context: "realtime",
    requestId: "",
    ip,
  };
}
