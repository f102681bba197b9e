import { ApiError, type FieldIssue, type IssueMap, issue } from "../errors/api-error.js";
import { parseCronSchedule } from "./cron-schedule.js";
import { isIpOrSubnet } from "./ip-list.js";
import { checkPush } from "./push-settings.js";
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
    if (section === "superuserIPs") {
      const problem = checkIpList(value);
      if (problem) issues.superuserIPs = problem;
      else (next as unknown as Settings).superuserIPs = [...(value as string[])];
      continue;
    }
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
      if (section === "backups" && key === "s3") {
        const merged = mergeS3((next.backups as Settings["backups"]).s3, v, opts.lenient);
        if ("issues" in merged) sectionIssues.s3 = merged.issues;
        else (next.backups as Settings["backups"]).s3 = merged.value;
        continue;
      }
      // Rules stored by an older version passed that version's checks; a stricter label check now
      // must not silently swap a saved list for the defaults when the document is read back.
      const storedRules = opts.lenient && section === "rateLimits" && key === "rules" && Array.isArray(v);
      const problem = storedRules ? null : checkValue(section, key, v, expected);
      if (problem) {
        sectionIssues[key] = problem;
        continue;
      }
      const isSecret = SECRET_PATHS.some((p) => p.length === 2 && p[0] === section && p[1] === key);
      if (isSecret && v === "") continue;
      (next[section] as Record<string, unknown>)[key] = v;
    }
    if (Object.keys(sectionIssues).length > 0) issues[section] = sectionIssues;
  }
  if (!opts.lenient && "s3" in patch && !issues.s3) {
    const s3Issues = checkS3(next.s3 as unknown as Settings["s3"]);
    if (s3Issues) issues.s3 = s3Issues;
  }
  if (!opts.lenient && "backups" in patch && !issues.backups) {
    const backupIssues = checkBackups(next.backups as unknown as Settings["backups"]);
    if (backupIssues) issues.backups = backupIssues;
  }
  if (!opts.lenient && "push" in patch && !issues.push) {
    const pushIssues = checkPush(next.push as unknown as Settings["push"]);
    if (pushIssues) issues.push = pushIssues;
  }
  if (Object.keys(issues).length > 0 && !opts.lenient)
    throw new ApiError(400, "Failed to update the settings.", issues);
  return next as unknown as Settings;
}

/** A list of addresses and CIDR subnets; each problem is reported at its index, as PocketBase does. */
function checkIpList(v: unknown): FieldIssue | IssueMap | null {
  if (!Array.isArray(v) || v.length > 1000)
    return issue("validation_invalid_value", "Must be a list of at most 1000 IP addresses or subnets.");
  const issues: IssueMap = {};
  v.forEach((item, i) => {
    if (typeof item !== "string" || item === "")
      issues[String(i)] = issue("validation_required", "Cannot be blank.");
    else if (!isIpOrSubnet(item))
      issues[String(i)] = issue("validation_invalid_ip", "Must be an IP address or a CIDR subnet.");
  });
  return Object.keys(issues).length > 0 ? issues : null;
}

/** PocketBase's meta checks: name, URL and sender required; the accent color `#rrggbb` or empty. */
function checkMeta(key: string, v: string): FieldIssue | null {
  if (["appName", "appURL", "senderName", "senderAddress"].includes(key) && v.trim() === "")
    return issue("validation_required", "Cannot be blank.");
  if ((key === "appName" || key === "senderName") && v.length > 255)
    return issue("validation_length_out_of_range", "Must be 1 to 255 characters.");
  if (key === "senderAddress" && !/^[^\s@]+@[^\s@]+$/.test(v))
    return issue("validation_is_email", "Must be a valid email address.");
  if (key === "accentColor" && v !== "" && !/^#[0-9a-fA-F]{6}$/.test(v))
    return issue("validation_is_hex_color", "Must be a color as #rrggbb.");
  return null;
}

function checkValue(section: string, key: string, v: unknown, expected: unknown) {
  if (section === "rateLimits" && key === "rules") return checkRules(v);
  if (section === "rateLimits" && key === "excludedIPs") return checkIpList(v);
  if (Array.isArray(expected)) {
    return Array.isArray(v) && v.every((x) => typeof x === "string" && x.length <= 200)
      ? null
      : issue("validation_invalid_value", "Must be a list of strings.");
  }
  if (typeof v !== typeof expected) return issue("validation_invalid_value", `Must be a ${typeof expected}.`);
  if (section === "logs" && typeof v === "number") return checkLogsNumber(key, v);
  if (section === "authFailureLimits" && typeof v === "number") return checkAuthFailureNumber(key, v);
  if (section === "graphql") {
    const problem = checkGraphql(key, v);
    if (problem) return problem;
  }
  if (section === "tus" && typeof v === "number") return checkTusNumber(key, v);
  if (typeof v === "number" && (!Number.isFinite(v) || v < 0))
    return issue("validation_invalid_value", "Must be a non-negative number.");
  if (typeof v === "string" && v.length > 2000) return issue("validation_length_too_long", "Too long.");
  if (section === "smtp" && key === "authMethod" && !["", "PLAIN", "LOGIN"].includes(v as string)) {
    return issue("validation_invalid_value", "Must be PLAIN, LOGIN or empty.");
  }
  if (section === "meta" && typeof v === "string") {
    const problem = checkMeta(key, v);
    if (problem) return problem;
  }
  if (section === "metrics" && key === "token" && v !== "" && (v as string).length < 16)
    return issue("validation_length_too_short", "Use at least 16 characters (or empty for none).");
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

/** GraphQL's bounds: whole numbers from 1 to 100000; introspection one of three audiences. */
function checkGraphql(key: string, v: unknown) {
  if (key === "introspection" && !["superusers", "users", "all"].includes(v as string))
    return issue("validation_invalid_value", "Must be superusers, users or all.");
  if (key === "allowedQueries" && !(v as string[]).every((h) => /^[0-9a-f]{64}$/.test(h)))
    return issue("validation_invalid_value", "Must be SHA-256 hashes in lower-case hex.");
  if (typeof v === "number" && (!Number.isInteger(v) || v < 1 || v > 100_000))
    return issue("validation_invalid_value", "Must be a whole number from 1 to 100000.");
  return null;
}

/** Resumable uploads expire after 1 hour to 30 days; 1 to 1000 unfinished uploads per user. */
function checkTusNumber(key: string, v: number) {
  if (!Number.isInteger(v)) return issue("validation_invalid_value", "Must be a whole number.");
  if (key === "expiryHours" && (v < 1 || v > 720))
    return issue("validation_invalid_value", "Must be between 1 and 720 hours.");
  if (key === "maxUploadsPerUser" && (v < 1 || v > 1000))
    return issue("validation_invalid_value", "Must be between 1 and 1000.");
  return null;
}

/** Maximums: 0 (off) to a million failures; windows: 1 s to 7 days. */
function checkAuthFailureNumber(key: string, v: number) {
  if (!Number.isInteger(v)) return issue("validation_invalid_value", "Must be a whole number.");
  if (key.endsWith("Duration") && (v < 1 || v > 604_800))
    return issue("validation_invalid_value", "Must be between 1 and 604800 seconds.");
  if (!key.endsWith("Duration") && (v < 0 || v > 1_000_000))
    return issue("validation_invalid_value", "Must be between 0 (off) and 1000000.");
  return null;
}

/**
 * A rule's label: a tag (`*:auth`, `users:create`, `auth`), a path or path prefix (`/api/batch`,
 * `/api/`), or a method and path (`POST /api/batch`) — PocketBase's pattern.
 */
const RULE_LABEL = /^(\w+ \/[\w/-]*|\/[\w/-]*|\w+:\w+|\*:\w+|\w+)$/;

/**
 * Rate-limit rules, each field checked on its own so a client (PocketBase's dashboard, ours) can
 * mark the input at fault: errors are keyed `rules.<index>.<field>`. Two rules whose label and
 * audience overlap (one a prefix of the other) conflict, as PocketBase refuses them.
 */
function checkRules(v: unknown): FieldIssue | IssueMap | null {
  if (!Array.isArray(v) || v.length > 200)
    return issue("validation_invalid_value", "Must be a list of at most 200 rules.");
  const issues: IssueMap = {};
  const seen: string[] = [];
  (v as unknown[]).forEach((item, i) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      issues[String(i)] = issue("validation_invalid_rate_limit_rule", "Must be a rule object.");
      return;
    }
    const r = item as Partial<RateLimitRule>;
    const ruleIssues: IssueMap = {};
    if (typeof r.label !== "string" || r.label === "")
      ruleIssues.label = issue("validation_required", "Cannot be blank.");
    else if (r.label.length > 200 || !RULE_LABEL.test(r.label))
      ruleIssues.label = issue(
        "validation_invalid_rate_limit_rule",
        "Must be a tag (*:auth, users:create), a path (/api/batch, /api/) or a method and path (POST /api/batch).",
      );
    if (!Number.isInteger(r.maxRequests) || (r.maxRequests as number) < 1)
      ruleIssues.maxRequests = issue(
        "validation_invalid_rate_limit_rule",
        "Must be a whole number, at least 1.",
      );
    if (!Number.isInteger(r.duration) || (r.duration as number) < 1)
      ruleIssues.duration = issue(
        "validation_invalid_rate_limit_rule",
        "Must be a whole number of seconds, at least 1.",
      );
    if (!AUDIENCES.has(r.audience ?? ""))
      ruleIssues.audience = issue("validation_invalid_rate_limit_rule", 'Must be "", @guest or @auth.');
    if (!ruleIssues.label && typeof r.label === "string") {
      const key = `${r.label}@@${r.audience ?? ""}`;
      if (seen.some((other) => other.startsWith(key) || key.startsWith(other)))
        ruleIssues.label = issue(
          "validation_conflicting_rate_limit_rule",
          `A rule for "${r.label}" already exists or overlaps with another rule.`,
        );
      else seen.push(key);
    }
    if (Object.keys(ruleIssues).length > 0) issues[String(i)] = ruleIssues;
  });
  return Object.keys(issues).length > 0 ? issues : null;
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

/** `backups.s3` merged key by key like a section (its secret kept when sent back empty). */
function mergeS3(
  base: Settings["s3"],
  patch: unknown,
  lenient: boolean,
): { value: Settings["s3"] } | { issues: FieldIssue | IssueMap } {
  if (!patch || typeof patch !== "object" || Array.isArray(patch))
    return { issues: issue("validation_invalid_value", "Must be an object.") };
  const shape = defaultSettings().s3 as unknown as Record<string, unknown>;
  const next = { ...base } as unknown as Record<string, unknown>;
  const issues: IssueMap = {};
  for (const [key, v] of Object.entries(patch as Record<string, unknown>)) {
    const expected = shape[key];
    if (expected === undefined) {
      if (!lenient) issues[key] = issue("validation_unknown_field", "Unknown setting.");
      continue;
    }
    const problem = checkValue("backups.s3", key, v, expected);
    if (problem) issues[key] = problem;
    else if (!(key === "secret" && v === "")) next[key] = v;
  }
  if (Object.keys(issues).length > 0 && !lenient) return { issues };
  return { value: next as unknown as Settings["s3"] };
}

/** A schedule must parse; it needs a positive number of backups to keep; its bucket, when on, is complete. */
function checkBackups(backups: Settings["backups"]): IssueMap | null {
  const issues: IssueMap = {};
  if (backups.cron !== "") {
    const parsed = parseCronSchedule(backups.cron);
    if (typeof parsed === "string") issues.cron = issue("validation_invalid_cron", parsed);
    if (!Number.isInteger(backups.cronMaxKeep) || backups.cronMaxKeep < 1)
      issues.cronMaxKeep = issue("validation_required", "Keep at least 1 scheduled backup.");
  } else if (!Number.isInteger(backups.cronMaxKeep))
    issues.cronMaxKeep = issue("validation_invalid_value", "Must be a whole number.");
  const s3 = checkS3(backups.s3);
  if (s3) issues.s3 = s3;
  return Object.keys(issues).length > 0 ? issues : null;
}
