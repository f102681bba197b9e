import type { RateLimitRule } from "../../settings/settings-model.js";

/** Who is asking, as rule audiences see it. */
export type Audience = "@guest" | "@auth";

interface IndexedRules {
  exact: Map<string, RateLimitRule[]>;
  /** Rules whose label ends in `/` (path prefixes), longest first; for one label, audience-specific first. */
  prefixes: RateLimitRule[];
}

/** Settings are frozen and cached, so one index per rules array serves every request until they change. */
const indexes = new WeakMap<readonly RateLimitRule[], IndexedRules>();

function indexRules(rules: readonly RateLimitRule[]): IndexedRules {
  let index = indexes.get(rules);
  if (!index) {
    const exact = new Map<string, RateLimitRule[]>();
    for (const rule of rules) exact.set(rule.label, [...(exact.get(rule.label) ?? []), rule]);
    const prefixes = rules
      .filter((r) => r.label.endsWith("/"))
      .sort(
        (a, b) => b.label.length - a.label.length || Number(a.audience === "") - Number(b.audience === ""),
      );
    index = { exact, prefixes };
    indexes.set(rules, index);
  }
  return index;
}

const appliesTo = (rule: RateLimitRule, audience: Audience) =>
  rule.audience === "" || rule.audience === audience;

/**
 * The rule that governs a request, by PocketBase's precedence: the labels are tried in the order
 * given (most specific first: `posts:create`, `*:create`, `POST /api/collections/posts/records`,
 * `/api/collections/posts/records`); for each label a rule with exactly that label wins, else a
 * prefix rule (label ending in `/`) that the label falls under. Rules of another audience are
 * passed over. Two refinements where PocketBase takes whichever is listed first: of several
 * prefix rules the longest wins, and for the same label a rule for the caller's own audience
 * beats an "everyone" rule — so the outcome never depends on the order rules are listed in.
 */
export function findRule(
  rules: readonly RateLimitRule[],
  labels: readonly string[],
  audience: Audience,
): RateLimitRule | undefined {
  if (rules.length === 0) return undefined;
  const { exact, prefixes } = indexRules(rules);
  for (const label of labels) {
    const candidates = (exact.get(label) ?? []).filter((r) => appliesTo(r, audience));
    const direct = candidates.find((r) => r.audience === audience) ?? candidates[0];
    if (direct) return direct;
    const under = `${label}/`;
    const prefix = prefixes.find((r) => appliesTo(r, audience) && under.startsWith(r.label));
    if (prefix) return prefix;
  }
  return undefined;
}
