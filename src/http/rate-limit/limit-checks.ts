import type { RateLimitRule } from "../../settings/settings-model.js";
import { AUTH_TAG } from "./action-tags.js";
import { type Audience, findRule } from "./rule-matching.js";

/** A request as rate limits see it: method, path, and (for collection routes) the action it performs. */
export interface LimitTarget {
  method: string;
  /** Decoded path without query or trailing slash: what path labels are compared with. */
  path: string;
  action?: { collectionId: string; collectionName: string; tags: readonly string[] };
}

/** One counter a request must stay within: the rule, and the bucket it counts in. */
export interface LimitCheck {
  rule: RateLimitRule;
  bucket: string;
  /** When the counters can't be reached, refuse rather than let the request through. */
  failClosed: boolean;
}

/** A URL's path the way labels spell it: decoded, no query, no trailing slash (the router ignores it too). */
export function labelPath(url: string): string {
  const raw = url.split("?", 1)[0] ?? "";
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    path = raw;
  }
  return path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") || "/" : path;
}

const pathLabels = (t: LimitTarget) => [`${t.method} ${t.path}`, t.path];

/**
 * The path-level check every request gets (PocketBase's global limiter): `METHOD /path` and
 * `/path` labels, counted per rule.
 */
export function pathCheck(
  rules: readonly RateLimitRule[],
  t: LimitTarget,
  who: Audience,
): LimitCheck | undefined {
  const rule = findRule(rules, pathLabels(t), who);
  return rule && { rule, bucket: `path|${rule.label}|${rule.audience}`, failClosed: isAuthAction(t) };
}

/**
 * The action-level check of a collection route: `name:tag` labels, then `*:tag`, then the path
 * labels. Counted per collection and rule, so everything a rule governs in one collection shares
 * a counter: a batch sub-request and the route it stands for, an upsert and a create, and all the
 * auth routes under `*:auth` (trying passwords on one route and OTPs on another doesn't double
 * the attempts; PocketBase counts per route).
 */
export function actionCheck(
  rules: readonly RateLimitRule[],
  t: LimitTarget,
  who: Audience,
): LimitCheck | undefined {
  const action = t.action;
  if (!action || action.tags.length === 0) return undefined;
  const labels = [
    ...action.tags.map((tag) => `${action.collectionName}:${tag}`),
    ...action.tags.map((tag) => `*:${tag}`),
    ...pathLabels(t),
  ];
  const rule = findRule(rules, labels, who);
  return (
    rule && {
      rule,
      bucket: `action|${action.collectionId}|${rule.label}|${rule.audience}`,
      failClosed: isAuthAction(t),
    }
  );
}

function isAuthAction(t: LimitTarget): boolean {
  return t.action?.tags.includes(AUTH_TAG) ?? false;
}
