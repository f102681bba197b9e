import { SUPERUSERS } from "../auth/authenticate.js";
import { peekClaims, signToken, verifyToken } from "../auth/tokens.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import type { AuthState } from "../records/request-context.js";

/** A short-lived token for `?token=` on protected files, signed like auth tokens (own secret). */
export function signFileToken(auth: AuthState): Promise<string> {
  return signToken(auth.collection, auth.record, "file");
}

/** Whose file token this is, or null for anything off (bad signature, expired, revoked, wrong type). */
export async function fileTokenOwner(
  token: string,
  registry: CollectionRegistry,
  query: RecordQuery,
): Promise<AuthState | null> {
  if (token === "" || token.length > 4096) return null;
  const claims = peekClaims(token);
  if (claims?.type !== "file" || typeof claims.id !== "string" || typeof claims.collectionId !== "string")
    return null;
  const collection = registry.get(claims.collectionId);
  if (collection?.type !== "auth" || collection.id !== claims.collectionId) return null;
  const record = await query.findOne(collection, claims.id);
  if (!record || !(await verifyToken(token, collection, record, "file"))) return null;
  return { record, collection, isSuperuser: collection.name === SUPERUSERS };
}
