import type { Collection } from "../../collections/model.js";
import { badRequest } from "../../errors/api-error.js";
import { type RequestContext, requestInfo } from "../../records/request-context.js";
import { parseFilter } from "../../rules/index.js";
import type { AuthDeps } from "../auth-deps.js";

/**
 * Whether the MFA rule asks this record for a second method. The rule is a filter over the
 * signing-in record ("" = everyone); `@request.auth` is that record too. A rule that fails to
 * compile refuses the sign-in rather than silently skipping MFA.
 */
export async function wantsMfa(
  services: AuthDeps,
  collection: Collection,
  record: { id: string },
  selfCtx: RequestContext,
  rule: string,
): Promise<boolean> {
  if (rule.trim() === "") return true;
  const query = services.records.query;
  try {
    const where = query.where([parseFilter(rule)], query.scope(collection, requestInfo(selfCtx)));
    return (await query.findOne(collection, record.id, where)) !== undefined;
  } catch {
    throw badRequest("Failed to authenticate.");
  }
}
