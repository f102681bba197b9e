import { writeAudit } from "../audit/audit-entry.js";
import type { AuthOptions, Collection } from "../collections/model.js";
import { badRequest, type IssueMap, issue } from "../errors/api-error.js";
import { canonicalEmail } from "../records/auth-fields.js";
import { findByIdentity, replacePasswordHash } from "../records/auth-identity.js";
import type { RequestContext } from "../records/request-context.js";
import type { AuthDeps } from "./auth-deps.js";
import { type AuthResponse, completeAuth } from "./complete-auth.js";
import { dummyHash, hashPassword, MAX_PASSWORD_BYTES, needsRehash, verifyPassword } from "./passwords.js";

/**
 * Sign-in with identity and password on auth collection `c`, for every transport (the records
 * API's auth-with-password route, GraphQL's authWithPassword mutations): failed-attempt locks,
 * constant-time unknown identities, audit of failures, rehash of imported hashes, then
 * `completeAuth` (MFA, token, record as its owner sees it).
 */
export async function authWithPassword(
  deps: AuthDeps,
  c: Collection,
  body: Record<string, unknown>,
  ctx: RequestContext,
): Promise<AuthResponse> {
  const options = c.auth as AuthOptions;
  if (!options.passwordAuth.enabled)
    throw badRequest("The collection is not configured to allow password authentication.");
  const { identity, password } = body;
  const missing: IssueMap = {};
  if (typeof identity !== "string" || identity === "")
    missing.identity = issue("validation_required", "Missing required value.");
  if (typeof password !== "string" || password === "")
    missing.password = issue("validation_required", "Missing required value.");
  if (Object.keys(missing).length > 0) throw badRequest("Failed to authenticate.", missing);
  const id = identity as string;
  const pw = password as string;
  if (id.length > 255 || Buffer.byteLength(pw) > MAX_PASSWORD_BYTES)
    throw badRequest("Failed to authenticate.");

  const identityField = typeof body.identityField === "string" ? body.identityField : undefined;
  const fields = identityField
    ? options.passwordAuth.identityFields.filter((f) => f === identityField)
    : options.passwordAuth.identityFields;
  const record = await findByIdentity(deps.records.query, deps.store.db, c, id, fields);
  // Failures lock the account (or, unknown, the identity as typed) and the address; see failed-attempts.ts.
  const account = `${c.id}:${record ? record.id : `?${canonicalEmail(id)}`}`;
  // An unknown identity still costs one hash verification, so timing doesn't tell them apart.
  const ok = await deps.failedAttempts.check(account, ctx.ip, async () =>
    verifyPassword(record ? String(record.password) : await dummyHash(), pw),
  );
  if (!ok || !record) {
    await deps.store.transaction((tx) =>
      writeAudit(tx, {
        action: "auth.login_failed",
        collectionId: c.id,
        collectionName: c.name,
        recordId: record?.id ?? "",
        actor: null,
        changes: ["password"],
        requestId: ctx.requestId,
        ip: ctx.ip,
      }),
    );
    throw badRequest("Failed to authenticate.");
  }
  if (needsRehash(String(record.password))) {
    // An imported (bcrypt) hash becomes argon2id now that we know the password; tokens stay valid.
    const rehashed = await hashPassword(pw);
    await replacePasswordHash(deps.store.db, c, record.id, rehashed);
  }
  return completeAuth(deps, c, record, ctx, "password", undefined, { mfaId: body.mfaId });
}
