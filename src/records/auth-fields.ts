import { hashPassword, verifyPassword } from "../auth/passwords.js";
import { generateFromPattern } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { type IssueMap, issue } from "../errors/api-error.js";
import type { AppliedInput } from "./record-input.js";
import type { RequestContext } from "./request-context.js";
import type { RecordValues } from "./row-mapping.js";

/** Canonical form of an email: one representation per mailbox (NFKC, lower-case, trimmed). */
export function canonicalEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

/**
 * The auth-specific part of a write: confirm and hash a new password (which also rotates the
 * tokenKey, revoking earlier tokens), require the old password from non-superusers, and store
 * emails canonically. Mutates `input.values`; returns field issues.
 */
export async function prepareAuthFields(
  collection: Collection,
  body: Record<string, unknown>,
  input: AppliedInput,
  current: RecordValues | undefined,
  ctx: RequestContext,
): Promise<IssueMap> {
  const issues: IssueMap = {};
  if (typeof input.values.email === "string") input.values.email = canonicalEmail(input.values.email);

  if (!input.changed.has("password")) return issues;
  const password = input.values.password;
  if (typeof password !== "string" || password === "") return issues; // validate reported it
  if (body.passwordConfirm !== password) {
    issues.passwordConfirm = issue("validation_values_mismatch", "Values don't match.");
  }
  const isSuperuser = ctx.superuser;
  if (current && !isSuperuser) {
    const old = body.oldPassword;
    if (typeof old !== "string" || !(await verifyPassword(String(current.password), old))) {
      issues.oldPassword = issue("validation_invalid_old_password", "Missing or invalid old password.");
    }
  }
  if (Object.keys(issues).length > 0) return issues;
  input.values.password = await hashPassword(password);
  const tokenKey = collection.fields.find((f) => f.name === "tokenKey");
  if (tokenKey?.type === "text") {
    input.values.tokenKey = generateFromPattern(tokenKey.autogeneratePattern || "[a-zA-Z0-9]{50}");
    input.changed.add("tokenKey");
  }
  return issues;
}
