import type { RequestContext } from "../records/request-context.js";
import type { Topic } from "./topic.js";

/**
 * Subscribers with equal keys get the same answer for any event: the topic kind (list or view
 * rule), the filter, and everything of the subscriber's context a rule or filter can see.
 */
export function ruleKeyOf(topic: Topic, ctx: RequestContext): string {
  const auth = ctx.auth
    ? `${ctx.auth.collection.id}/${ctx.auth.record.id}/${String(ctx.auth.record.tokenKey ?? "")}`
    : "-";
  return `${topic.recordId === "*"}|${topic.filterText}|${ctx.superuser}|${ctx.apiKey ? JSON.stringify(ctx.apiKey) : ""}|${auth}|${JSON.stringify(ctx.query)}|${JSON.stringify(ctx.headers)}`;
}
