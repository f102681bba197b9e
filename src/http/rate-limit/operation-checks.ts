import type { RateLimitRule } from "../../settings/settings-model.js";
import type { LimitCheck } from "./limit-checks.js";
import { type Audience, findRule } from "./rule-matching.js";

/**
 * The check of one GraphQL operation: `graphql:<operationName>`, then `graphql:<query|mutation|
 * subscription>`, so a rule can bound one named operation or every mutation. Each operation of a
 * batched request is counted, in a bucket of its rule.
 */
export function operationCheck(
  rules: readonly RateLimitRule[],
  who: Audience,
  kind: string,
  operationName: string | undefined,
): LimitCheck | undefined {
  const labels = operationName ? [`graphql:${operationName}`, `graphql:${kind}`] : [`graphql:${kind}`];
  const rule = findRule(rules, labels, who);
  return rule && { rule, bucket: `graphql|${rule.label}|${rule.audience}`, failClosed: false };
}
