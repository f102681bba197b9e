import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import type { AuthState } from "../records/request-context.js";
import { peekClaims, verifyToken } from "./tokens.js";
import { VerifiedTokenCache } from "./verified-token-cache.js";

const verifiedTokens = new VerifiedTokenCache(10_000);

export const SUPERUSERS = "_superusers";

/**
 * Resolves an Authorization header to the auth record it names. Any failure (bad token,
 * unknown record, revoked key, wrong type) means "guest": routes that need auth answer 401/403.
 */
export async function authenticate(
  header: string | undefined,
  registry: CollectionRegistry,
  query: RecordQuery,
): Promise<AuthState | null> {
  if (!header) return null;
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : header.trim();
  if (token === "" || token.length > 4096) return null;
  const claims = peekClaims(token);
  if (claims?.type !== "auth" || typeof claims.id !== "string" || typeof claims.collectionId !== "string") {
    return null;
  }
  const collection = registry.get(claims.collectionId);
  if (collection?.type !== "auth" || collection.id !== claims.collectionId) return null;
  const record = await query.findOne(collection, claims.id);
  if (!record) return null;
  const secret = (collection.auth?.authToken as { secret?: string } | undefined)?.secret ?? "";
  const fingerprint = `${collection.id}:${String(record.tokenKey)}:${secret}`;
  if (!verifiedTokens.has(token, fingerprint)) {
    const verified = await verifyToken(token, collection, record, "auth");
    if (!verified) return null;
    verifiedTokens.add(token, fingerprint, Number(verified.exp) * 1000);
  }
  return { record, collection, isSuperuser: collection.name === SUPERUSERS };
}
