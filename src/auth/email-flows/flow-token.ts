import type { Collection } from "../../collections/model.js";
import { badRequest, issue } from "../../errors/api-error.js";
import type { RecordValues } from "../../records/row-mapping.js";
import type { AuthDeps } from "../auth-deps.js";
import { peekClaims, type TokenClaims, type TokenType, verifyToken } from "../tokens.js";

/** The one answer for any token that doesn't hold: nothing tells which check failed. */
export function invalidToken(): Error {
  return badRequest("Invalid or expired token.", {
    token: issue("validation_invalid_token", "Invalid or expired token."),
  });
}

/**
 * The record a flow token (verification, password reset, email change) was issued for, after
 * checking type, collection, signature (record tokenKey + collection secret) and expiry.
 */
export async function recordFromToken(
  services: AuthDeps,
  collection: Collection,
  token: string,
  type: TokenType,
): Promise<{ record: RecordValues; claims: TokenClaims }> {
  const peeked = peekClaims(token);
  if (
    !peeked ||
    peeked.type !== type ||
    peeked.collectionId !== collection.id ||
    typeof peeked.id !== "string"
  )
    throw invalidToken();
  const record = await services.records.query.findOne(collection, peeked.id);
  if (!record) throw invalidToken();
  const claims = await verifyToken(token, collection, record, type);
  if (!claims) throw invalidToken();
  return { record, claims };
}
