import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import type { AuthState } from "../records/request-context.js";
import type { RecordValues } from "../records/row-mapping.js";
import type { Store } from "../store/store.js";
import { looksLikeApiKey } from "./api-keys/api-key-secret.js";
import type { ApiKeyPrincipal } from "./api-keys/principal.js";
import { resolveApiKey } from "./api-keys/resolve-api-key.js";
import { type Arrival, AuthRecordCache } from "./auth-record-cache.js";
import { peekClaims, verifyToken } from "./tokens.js";
import { VerifiedTokenCache } from "./verified-token-cache.js";

export const SUPERUSERS = "_superusers";

/** The token of an Authorization header: raw (as the SDK sends it) or after `Bearer `. */
export function tokenFromHeader(header: string | undefined): string {
  if (!header) return "";
  return header.startsWith("Bearer ") ? header.slice(7).trim() : header.trim();
}

/** Who a request speaks for: an auth record, an API key, or neither (a guest). */
export interface Principal {
  auth: AuthState | null;
  apiKey: ApiKeyPrincipal | null;
}

/**
 * Resolves an Authorization header that may carry an auth token or an API key (`bk_…`). `arrival`
 * (HTTP requests, which record it) lets the auth record come from the store's cache of them.
 */
export async function identify(
  header: string | undefined,
  deps: { registry: CollectionRegistry; query: RecordQuery; store: Store; arrival?: Arrival },
): Promise<Principal> {
  const token = tokenFromHeader(header);
  if (looksLikeApiKey(token)) return { auth: null, apiKey: await resolveApiKey(deps.store, token) };
  const records = deps.arrival ? authRecordsOf(deps.store) : undefined;
  const find = records
    ? (collection: Collection, id: string) => records.find(collection, id, deps.query, deps.arrival)
    : undefined;
  return { auth: await authenticate(header, deps.registry, deps.query, find), apiKey: null };
}

const verifiedTokens = new VerifiedTokenCache(10_000);
/** One cache of auth records per store (an app's), gone with it. */
const authRecords = new WeakMap<Store, AuthRecordCache>();

function authRecordsOf(store: Store): AuthRecordCache {
  let cache = authRecords.get(store);
  if (!cache) {
    cache = new AuthRecordCache(10_000);
    authRecords.set(store, cache);
  }
  return cache;
}

function fingerprint(collection: Collection, record: Record<string, unknown>): string {
  const secret = (collection.auth?.authToken as { secret?: string } | undefined)?.secret ?? "";
  return `${String(record.tokenKey)}:${secret}`;
}

/**
 * Resolves an Authorization header to the auth record it names. Any failure (bad token,
 * unknown record, revoked key, wrong type) means "guest": routes that need auth answer 401/403.
 */
export async function authenticate(
  header: string | undefined,
  registry: CollectionRegistry,
  query: RecordQuery,
  findRecord: (collection: Collection, id: string) => Promise<RecordValues | undefined> = (c, id) =>
    query.findOne(c, id),
): Promise<AuthState | null> {
  const token = tokenFromHeader(header);
  if (token === "" || token.length > 4096) return null;

  const cached = verifiedTokens.get(token);
  if (cached) {
    const collection = registry.get(cached.collectionId);
    const record = collection ? await findRecord(collection, cached.id) : undefined;
    if (collection && record && fingerprint(collection, record) === cached.fingerprint) {
      return { record, collection, isSuperuser: collection.name === SUPERUSERS };
    }
    verifiedTokens.delete(token);
    return null;
  }

  const claims = peekClaims(token);
  if (claims?.type !== "auth" || typeof claims.id !== "string" || typeof claims.collectionId !== "string")
    return null;
  const collection = registry.get(claims.collectionId);
  if (collection?.type !== "auth" || collection.id !== claims.collectionId) return null;
  const record = await findRecord(collection, claims.id);
  if (!record) return null;
  const verified = await verifyToken(token, collection, record, "auth");
  if (!verified) return null;
  verifiedTokens.add(token, {
    id: record.id,
    collectionId: collection.id,
    fingerprint: fingerprint(collection, record),
    expiresAt: Number(verified.exp) * 1000,
  });
  return { record, collection, isSuperuser: collection.name === SUPERUSERS };
}
