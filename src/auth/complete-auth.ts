import { type Actor, writeAudit } from "../audit/audit-entry.js";
import type { Collection } from "../collections/model.js";
import { forbidden } from "../errors/api-error.js";
import { eventErrors } from "../hooks/event-errors.js";
import { hookCollection, hookRequest } from "../hooks/hook-context.js";
import { frozenHookRecord } from "../hooks/hook-record.js";
import type { RecordAuthRequestEvent } from "../hooks/types.js";
import type { RequestContext } from "../records/request-context.js";
import type { AuthDeps } from "./auth-deps.js";
import type { AuthMethod } from "./auth-events.js";
import { SUPERUSERS } from "./authenticate.js";
import { checkMfa } from "./mfa/check-mfa.js";
import { MfaRequiredError } from "./mfa/mfa-required-error.js";
import { checkSuperuserIp } from "./superuser-ips.js";
import { signToken } from "./tokens.js";

export interface AuthResponse {
  token: string;
  record: unknown;
  meta?: Record<string, unknown>;
}

export interface CompleteAuthOptions {
  /** The request body's `mfaId` (a `?mfaId=` query parameter wins, as in PocketBase). */
  mfaId?: unknown;
  /** Impersonation: a token of this lifetime (seconds) that auth-refresh refuses to renew. */
  staticTokenSeconds?: number;
}

/** Methods that prove who the caller is, and so count for MFA and login alerts. */
const isSignIn = (method: AuthMethod) => method !== "refresh" && method !== "impersonate";

/**
 * Every successful sign-in ends here, whatever the method: the MFA check (which may stop it with
 * a 401 carrying an mfaId), audit entry, a fresh token, the record as its owner sees it, and a
 * `login` event for listeners (login alerts). Refresh and impersonation skip MFA and the event.
 */
export async function completeAuth(
  services: AuthDeps,
  collection: Collection,
  record: Record<string, unknown> & { id: string },
  ctx: RequestContext,
  method: AuthMethod,
  meta?: Record<string, unknown>,
  options: CompleteAuthOptions = {},
): Promise<AuthResponse> {
  const isSuperuser = collection.name === SUPERUSERS;
  if (isSuperuser) checkSuperuserIp((await services.settings.get()).superuserIPs, ctx.ip);
  const selfCtx: RequestContext = {
    ...ctx,
    superuser: isSuperuser,
    auth: { record, collection, isSuperuser },
    apiKey: undefined,
  };
  const methods: string[] = [method];
  if (isSignIn(method)) {
    const mfaId = ctx.query.mfaId ? ctx.query.mfaId : options.mfaId;
    const mfa = await checkMfa(services, collection, record, selfCtx, method, mfaId);
    if (mfa.kind === "required") throw new MfaRequiredError(mfa.mfaId);
    if (mfa.firstMethod) methods.unshift(mfa.firstMethod);
  }
  const finish = async (): Promise<AuthResponse> => {
    if (method !== "refresh") {
      // An impersonation is the superuser's act; a sign-in is the record's own.
      const actor: Actor | null =
        method === "impersonate"
          ? ctx.auth && { collectionName: ctx.auth.collection.name, id: ctx.auth.record.id }
          : { collectionName: collection.name, id: record.id };
      await services.store.transaction((tx) =>
        writeAudit(tx, {
          action: method === "impersonate" ? "auth.impersonate" : "auth.login",
          collectionId: collection.id,
          collectionName: collection.name,
          recordId: record.id,
          actor,
          changes: methods,
          requestId: ctx.requestId,
          ip: ctx.ip,
        }),
      );
    }
    const token =
      options.staticTokenSeconds === undefined
        ? await signToken(collection, record, "auth", { refreshable: true })
        : await signToken(collection, record, "auth", { refreshable: false }, options.staticTokenSeconds);
    const view = await services.records.present(collection, record, selfCtx);
    if (isSignIn(method)) services.authEvents.emit("login", { collection, record, method, ctx });
    return meta ? { token, record: view, meta } : { token, record: view };
  };
  const hooks = services.records.hooks;
  if (!hooks?.has("recordAuthRequest", collection)) return finish();
  // Hooks may refuse the sign-in (throw) or change the response after e.next().
  const event: RecordAuthRequestEvent = {
    ...eventErrors,
    app: hooks.dataApp(),
    collection: hookCollection(collection),
    record: frozenHookRecord(collection.name, record),
    authMethod: method,
    request: hookRequest(ctx, undefined),
    response: null,
    next: async () => {},
  };
  await hooks.run("recordAuthRequest", collection, event, async () => {
    event.response = (await finish()) as unknown as Record<string, unknown>;
  });
  if (!event.response) throw forbidden("The sign-in was refused.");
  return event.response as unknown as AuthResponse;
}
