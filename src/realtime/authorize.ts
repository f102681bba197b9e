import { type RawBuilder, sql } from "kysely";
import type { Collection } from "../collections/model.js";
import { accessFor } from "../records/access.js";
import { ALIAS, type RecordQuery } from "../records/record-query.js";
import { type RequestContext, requestInfo } from "../records/request-context.js";
import type { RecordValues } from "../records/row-mapping.js";
import { type Expr, evaluate, NO_OTHER_ROWS, needsData, type RuleScope } from "../rules/index.js";
import { readOn, type Store } from "../store/store.js";
import type { Subscription } from "./client.js";
import { eventRowSource } from "./event-row.js";

export interface AuthorizeDeps {
  store: Store;
  query: RecordQuery;
}

/** Conditions per SQL statement: one CASE column each (keeps statements and parameters bounded). */
const CONDITIONS_PER_QUERY = 100;

type Plan = { kind: "pass" } | { kind: "deny" } | { kind: "sql"; condition: RawBuilder<unknown> };
const PASS: Plan = { kind: "pass" };
const DENY: Plan = { kind: "deny" };

/**
 * The subscriptions entitled to an event (DESIGN principle 3): a `*` topic needs the collection's
 * list rule, a record topic its view rule, and both the subscription's own filter. Superusers
 * pass the rule (never the filter); a `null` rule admits only them. Checks that need only the
 * record and `@request.*` run in memory; the rest share one SQL statement per event, one CASE
 * column per distinct compiled condition (compiled conditions are cached per rule and caller, so
 * subscribers with the same rule and identity share a column), against the event's record.
 */
export async function entitled(
  deps: AuthorizeDeps,
  collection: Collection,
  record: RecordValues,
  subscriptions: Iterable<Subscription>,
  log: (message: string, err: unknown) => void,
): Promise<Subscription[]> {
  const passed: Subscription[] = [];
  const bySql = new Map<RawBuilder<unknown>, Subscription[]>();
  // Subscribers with the same identity, topic kind and filter get the same answer: decide once.
  const plans = new Map<string, Plan>();
  for (const sub of subscriptions) {
    const { ctx, ruleKey } = sub.client.viewOf(sub);
    let plan = plans.get(ruleKey);
    if (!plan) {
      plan = planFor(deps.query, collection, record, sub, ctx);
      plans.set(ruleKey, plan);
    }
    if (plan.kind === "pass") passed.push(sub);
    else if (plan.kind === "sql") {
      const group = bySql.get(plan.condition);
      if (group) group.push(sub);
      else bySql.set(plan.condition, [sub]);
    }
  }
  if (bySql.size === 0) return passed;
  const groups = [...bySql];
  const source = eventRowSource(collection, record, deps.store.dialect);
  for (let i = 0; i < groups.length; i += CONDITIONS_PER_QUERY) {
    const chunk = groups.slice(i, i + CONDITIONS_PER_QUERY);
    const columns = chunk.map(
      ([condition], j) => sql`CASE WHEN ${condition} THEN 1 ELSE 0 END AS ${sql.ref(`c${j}`)}`,
    );
    try {
      // On a read replica when there are some (one that has replayed the event's commit).
      const result = await readOn(deps.store, (db) =>
        sql<Record<string, unknown>>`SELECT ${sql.join(columns)} FROM ${source} AS ${sql.ref(ALIAS)}`.execute(
          db,
        ),
      );
      const row = result.rows[0] ?? {};
      chunk.forEach(([, subs], j) => {
        if (Number(row[`c${j}`]) === 1) passed.push(...subs);
      });
    } catch (err) {
      // A rule the store cannot run denies (as a failing list query would); the others still go out.
      log(`realtime rule check failed for ${collection.name}`, err);
    }
  }
  return passed;
}

function planFor(
  query: RecordQuery,
  collection: Collection,
  record: RecordValues,
  sub: Subscription,
  ctx: RequestContext,
): Plan {
  let access: ReturnType<typeof accessFor>;
  try {
    access = accessFor(collection, sub.topic.recordId === "*" ? "list" : "view", ctx);
  } catch {
    return DENY; // superusers only, or an API key without this scope
  }
  const filter = sub.topic.filter;
  if (access.kind === "all" && !filter) return PASS;
  const scope = query.scope(collection, requestInfo(ctx));
  // Collection rules may read hidden fields and see every row through relations; a client's filter
  // reads hidden fields only as a superuser and sees only rows it may list (as in lists).
  const checks: { expr: Expr; scope: RuleScope }[] = [];
  if (access.kind === "filter") checks.push({ expr: access.rule, scope: { ...scope, source: "rule" } });
  if (filter) checks.push({ expr: filter, scope });
  try {
    if (checks.every((c) => !needsData(c.expr, c.scope)))
      return checks.every((c) => evaluate(c.expr, record, c.scope, NO_OTHER_ROWS)) ? PASS : DENY;
    const parts: RawBuilder<unknown>[] = [];
    if (access.kind === "filter") parts.push(query.where([access.rule], scope));
    if (filter) parts.push(query.filterSql(sub.topic.filterText, scope));
    return { kind: "sql", condition: query.and(parts) };
  } catch {
    return DENY; // e.g. the filter names a field the collection no longer has
  }
}
