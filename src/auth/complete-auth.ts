import { writeAudit } from "../audit/audit-entry.js";
import type { Collection } from "../collections/model.js";
import type { Services } from "../http/services.js";
import type { RequestContext } from "../records/request-context.js";
import type { AuthMethod } from "./auth-events.js";
import { SUPERUSERS } from "./authenticate.js";
import { signToken } from "./tokens.js";

export interface AuthResponse {
  token: string;
  record: unknown;
  meta?: Record<string, unknown>;
}

/**
 * Every successful sign-in ends here, whatever the method: audit entry, a fresh token, the record
 * as its owner sees it, and a `login` event for listeners (login alerts).
 */
export async function completeAuth(
  services: Services,
  collection: Collection,
  record: Record<string, unknown> & { id: string },
  ctx: RequestContext,
  method: AuthMethod,
  meta?: Record<string, unknown>,
): Promise<AuthResponse> {
  const isSuperuser = collection.name === SUPERUSERS;
  const selfCtx: RequestContext = {
    ...ctx,
    superuser: isSuperuser,
    auth: { record, collection, isSuperuser },
  };
  if (method !== "refresh") {
    await services.store.transaction((tx) =>
      writeAudit(tx, {
        action: "auth.login",
        collectionId: collection.id,
        collectionName: collection.name,
        recordId: record.id,
        actor: { collectionName: collection.name, id: record.id },
        changes: [method],
        requestId: ctx.requestId,
        ip: ctx.ip,
      }),
    );
  }
  const token = await signToken(collection, record, "auth", { refreshable: true });
  const view = await services.records.present(collection, record, selfCtx);
  if (method !== "refresh") services.authEvents.emit("login", { collection, record, method, ctx });
  return meta ? { token, record: view, meta } : { token, record: view };
}
