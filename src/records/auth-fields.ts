import { verifyPassword } from "../auth/passwords.js";
import { generateFromPattern, isTextField } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { type IssueMap, issue } from "../errors/api-error.js";
import type { AppliedInput } from "./record-input.js";
import type { RecordValues } from "./row-mapping.js";

/** Canonical form of an email: one representation per mailbox (NFKC, lower-case, trimmed). */
export function canonicalEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

export const valuesMismatch = () => issue("validation_values_mismatch", "Values don't match.");
const blank = () => issue("validation_required", "Cannot be blank.");

/** A body value as text, the way PocketBase's form reads it (absent = ""). */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}

/**
 * PocketBase's rules for the account fields of one write, checked on what the request asked for
 * (before model hooks, which are the app's own code):
 * - `email` changes on update only for a manager; everyone else goes through request/confirm-email-change;
 * - `verified` may differ from its current value (false for a new record) only for a manager;
 * - a password comes with a matching `passwordConfirm`; on update a non-manager also sends the
 *   current password as `oldPassword`.
 * A manager is a superuser or a requester the collection's manageRule admits for this record;
 * `isManager` is asked only when the answer matters (it may cost a query).
 */
export async function checkAuthFields(
  body: Record<string, unknown>,
  input: AppliedInput,
  current: RecordValues | undefined,
  isManager: () => Promise<boolean>,
  /** Compares `oldPassword` with the stored hash (the writer counts failures as sign-in's do). */
  compareOld: (hash: string, plain: string) => Promise<boolean> = verifyPassword,
): Promise<IssueMap> {
  const issues: IssueMap = {};
  let manager: boolean | undefined;
  const manages = async () => {
    manager ??= await isManager();
    return manager;
  };
  if (
    current &&
    input.changed.has("email") &&
    input.values.email !== canonicalEmail(text(current.email)) &&
    !(await manages())
  )
    issues.email = valuesMismatch();
  if (
    input.changed.has("verified") &&
    input.values.verified !== (current?.verified === true) &&
    !(await manages())
  )
    issues.verified = valuesMismatch();

  const password = text(body.password);
  const confirm = text(body.passwordConfirm);
  const old = text(body.oldPassword);
  if (password === "" && (!current || confirm !== "" || old !== "")) issues.password = blank();
  if (confirm === "" && (!current || password !== "" || old !== "")) issues.passwordConfirm = blank();
  else if (confirm !== password) issues.passwordConfirm = valuesMismatch();
  if (current && (password !== "" || confirm !== "") && !(await manages())) {
    if (old === "") issues.oldPassword = blank();
    else if (!(await compareOld(text(current.password), old)))
      issues.oldPassword = issue("validation_invalid_old_password", "Missing or invalid old password.");
  }
  return issues;
}

/**
 * The stored form of an auth write, once it is valid: the email canonical, and a fresh tokenKey
 * when the password or the email changes (as PocketBase does), which revokes every token issued
 * before. (The new password itself is hashed by its field type, `storeValues`.) Mutates `input.values`.
 */
export async function prepareAuthFields(
  collection: Collection,
  input: AppliedInput,
  current: RecordValues | undefined,
): Promise<void> {
  if (typeof input.values.email === "string") input.values.email = canonicalEmail(input.values.email);
  const password = input.values.password;
  const newPassword = input.changed.has("password") && typeof password === "string" && password !== "";
  const newEmail = input.changed.has("email") && input.values.email !== current?.email;
  if (!current || input.changed.has("tokenKey") || !(newPassword || newEmail)) return;
  const tokenKey = collection.fields.find((f) => f.name === "tokenKey");
  if (tokenKey && isTextField(tokenKey)) {
    input.values.tokenKey = generateFromPattern(tokenKey.autogeneratePattern || "[a-zA-Z0-9]{50}");
    input.changed.add("tokenKey");
  }
}
