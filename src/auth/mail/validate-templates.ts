import { type IssueMap, issue } from "../../errors/api-error.js";
import type { EmailTemplate } from "./render-template.js";

/** A subject is one header line: RFC 5322 caps lines at 998 characters. */
export const MAX_SUBJECT_LENGTH = 998;
/** Generous for HTML mail, small enough that a template can't bloat every collection read. */
export const MAX_BODY_LENGTH = 100_000;

/** Where each template lives in an auth collection's options (PocketBase's layout). */
export const TEMPLATE_PATHS = [
  ["verificationTemplate"],
  ["resetPasswordTemplate"],
  ["confirmEmailChangeTemplate"],
  ["otp", "emailTemplate"],
  ["authAlert", "emailTemplate"],
] as const;

/** Issues of one template value: `{subject, body}`, both non-empty strings within limits. */
export function templateIssues(value: unknown): IssueMap {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { subject: issue("validation_required", "Missing required value.") };
  }
  const { subject, body } = value as Record<string, unknown>;
  const issues: IssueMap = {};
  if (typeof subject !== "string" || subject.trim() === "") {
    issues.subject = issue("validation_required", "Missing required value.");
  } else if (subject.length > MAX_SUBJECT_LENGTH) {
    issues.subject = issue(
      "validation_length_too_long",
      `Must be at most ${MAX_SUBJECT_LENGTH} characters.`,
      {
        max: MAX_SUBJECT_LENGTH,
      },
    );
  } else if (/[\r\n]/.test(subject)) {
    // A line break in a subject would start a new mail header.
    issues.subject = issue("validation_invalid_value", "Must be a single line.");
  }
  if (typeof body !== "string" || body.trim() === "") {
    issues.body = issue("validation_required", "Missing required value.");
  } else if (body.length > MAX_BODY_LENGTH) {
    issues.body = issue("validation_length_too_long", `Must be at most ${MAX_BODY_LENGTH} characters.`, {
      max: MAX_BODY_LENGTH,
    });
  }
  return issues;
}

export function isEmailTemplate(value: unknown): value is EmailTemplate {
  return Object.keys(templateIssues(value)).length === 0;
}

/**
 * Issues of every template in an auth collection's options, nested like the options
 * (`{otp: {emailTemplate: {subject: …}}}`), for the collections API to report. Templates that
 * are absent are fine (defaults apply).
 */
export function authTemplateIssues(options: Record<string, unknown>): IssueMap {
  const issues: IssueMap = {};
  for (const path of TEMPLATE_PATHS) {
    let value: unknown = options;
    for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) continue;
    const found = templateIssues(value);
    if (Object.keys(found).length === 0) continue;
    if (path.length === 1) issues[path[0]] = found;
    else {
      const parent = (issues[path[0]] ?? {}) as IssueMap;
      parent[path[1]] = found;
      issues[path[0]] = parent;
    }
  }
  return issues;
}
