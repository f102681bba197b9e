import { ApiError, type IssueMap, issue } from "../errors/api-error.js";
import { defaultSettings, type RateLimitRule, SECRET_PATHS, type Settings } from "./settings-model.js";

const AUDIENCES = new Set(["", "@guest", "@auth"]);

/**
 * Applies a partial update to settings. Each value must have the type of its default; unknown
 * sections/keys are refused (or, `lenient`, dropped — for documents stored by older versions).
 * A secret sent back empty (as the API masks it) keeps its stored value.
 */
export function mergeSettings(
  base: Settings,
  patch: Record<string, unknown>,
  opts: { lenient: boolean },
): Settings {
  const defaults = defaultSettings() as unknown as Record<string, Record<string, unknown>>;
  const next = JSON.parse(JSON.stringify(base)) as Record<string, Record<string, unknown>>;
  const issues: IssueMap = {};
  for (const [section, value] of Object.entries(patch)) {
    const shape = defaults[section];
    if (!shape) {
      if (!opts.lenient) issues[section] = issue("validation_unknown_field", "Unknown settings section.");
      continue;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      issues[section] = issue("validation_invalid_value", "Must be an object.");
      continue;
    }
    const sectionIssues: IssueMap = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const expected = shape[key];
      if (expected === undefined) {
        if (!opts.lenient) sectionIssues[key] = issue("validation_unknown_field", "Unknown setting.");
        continue;
      }
      const problem = checkValue(section, key, v, expected);
      if (problem) {
        sectionIssues[key] = problem;
        continue;
      }
      const isSecret = SECRET_PATHS.some(([s, k]) => s === section && k === key);
      if (isSecret && v === "") continue;
      (next[section] as Record<string, unknown>)[key] = v;
    }
    if (Object.keys(sectionIssues).length > 0) issues[section] = sectionIssues;
  }
  if (!opts.lenient && "s3" in patch && !issues.s3) {
    const s3Issues = checkS3(next.s3 as unknown as Settings["s3"]);
    if (s3Issues) issues.s3 = s3Issues;
  }
  if (Object.keys(issues).length > 0 && !opts.lenient)
    throw new ApiError(400, "Failed to update the settings.", issues);
  return next as unknown as Settings;
}

function checkValue(section: string, key: string, v: unknown, expected: unknown) {
  if (section === "rateLimits" && key === "rules") return checkRules(v);
  if (Array.isArray(expected)) {
    return Array.isArray(v) && v.every((x) => typeof x === "string" && x.length <= 200)
      ? null
      : issue("validation_invalid_value", "Must be a list of strings.");
  }
  if (typeof v !== typeof expected) return issue("validation_invalid_value", `Must be a ${typeof expected}.`);
  if (section === "logs" && typeof v === "number") return checkLogsNumber(key, v);
  if (typeof v === "number" && (!Number.isFinite(v) || v < 0))
    return issue("validation_invalid_value", "Must be a non-negative number.");
  if (typeof v === "string" && v.length > 2000) return issue("validation_length_too_long", "Too long.");
  if (section === "smtp" && key === "authMethod" && !["", "PLAIN", "LOGIN"].includes(v as string)) {
    return issue("validation_invalid_value", "Must be PLAIN, LOGIN or empty.");
  }
  if (section === "meta" && key === "appURL" && v !== "" && !/^https?:\/\/\S+$/.test(v as string)) {
    return issue("validation_is_url", "Must be an http(s) URL.");
  }
  return null;
}

/** Days to keep request logs (0 turns logging off); a level is slog's (-4 debug … 8 error). */
function checkLogsNumber(key: string, v: number) {
  if (!Number.isInteger(v)) return issue("validation_invalid_value", "Must be a whole number.");
  if (key === "maxDays" && (v < 0 || v > 36_500))
    return issue("validation_invalid_value", "Must be between 0 and 36500 days.");
  if (key === "minLevel" && (v < -100 || v > 100))
    return issue("validation_invalid_value", "Must be between -100 and 100.");
  return null;
}

function checkRules(v: unknown) {
  if (!Array.isArray(v) || v.length > 200)
    return issue("validation_invalid_value", "Must be a list of at most 200 rules.");
  for (const r of v as Partial<RateLimitRule>[]) {
    if (
      !r ||
      typeof r.label !== "string" ||
      r.label === "" ||
      r.label.length > 200 ||
      !Number.isInteger(r.maxRequests) ||
      (r.maxRequests as number) < 1 ||
      !Number.isInteger(r.duration) ||
      (r.duration as number) < 1 ||
      !AUDIENCES.has(r.audience ?? "")
    ) {
      return issue(
        "validation_invalid_rate_limit_rule",
        'Each rule needs a label, maxRequests ≥ 1, duration ≥ 1 s and an audience of "", @guest or @auth.',
      );
    }
  }
  return null;
}

/** S3 storage, once enabled, needs somewhere to go and credentials to get there. */
function checkS3(s3: Settings["s3"]): IssueMap | null {
  const issues: IssueMap = {};
  if (s3.endpoint !== "" && !/^https?:\/\/\S+$/.test(s3.endpoint))
    issues.endpoint = issue("validation_is_url", "Must be an http(s) URL.");
  if (s3.enabled) {
    for (const key of ["bucket", "region", "endpoint", "accessKey", "secret"] as const) {
      if (s3[key].trim() === "" && !issues[key])
        issues[key] = issue("validation_required", "Cannot be blank.");
    }
  }
  return Object.keys(issues).length > 0 ? issues : null;
}
