import type { App } from "../../app.js";
import { signToken, type TokenType } from "../tokens.js";

/**
 * For tests: a flow token signed the way the server signs them, with claims and lifetime of the
 * test's choosing (a negative lifetime gives an expired token).
 */
export async function signTestToken(
  app: App,
  collectionName: string,
  recordId: string,
  type: TokenType,
  extra: Record<string, unknown>,
  durationSeconds?: number,
): Promise<string> {
  const collection = app.services.registry.get(collectionName);
  if (!collection) throw new Error(`no collection ${collectionName}`);
  const record = await app.services.records.query.findOne(collection, recordId);
  if (!record) throw new Error(`no record ${recordId} in ${collectionName}`);
  return signToken(collection, record, type, extra, durationSeconds);
}
