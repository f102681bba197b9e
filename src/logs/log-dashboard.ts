import { type RawBuilder, sql } from "kysely";
import { nowDate } from "../ids.js";
import type { Store } from "../store/store.js";

/** The windows the admin's Dashboard offers, each with the width of one chart point. */
export const DASHBOARD_PERIODS = {
  hour: { seconds: 3600, bucketChars: 16, bucketSeconds: 60 }, // "YYYY-MM-DD HH:MM": minutes
  day: { seconds: 86_400, bucketChars: 13, bucketSeconds: 3600 }, // "YYYY-MM-DD HH": hours
  week: { seconds: 7 * 86_400, bucketChars: 13, bucketSeconds: 3600 },
} as const;
export type DashboardPeriod = keyof typeof DASHBOARD_PERIODS;

export interface LatencyPoint {
  /** The bucket's start, in the API's date format. */
  date: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface RouteLine {
  method: string;
  route: string;
  requests: number;
  errors: number;
  p95: number;
}

export interface Dashboard {
  period: DashboardPeriod;
  since: string;
  bucketSeconds: number;
  series: LatencyPoint[];
  statuses: { status: number; requests: number }[];
  /** The slowest routes by p95 (route templates, never raw URLs), at most 10. */
  slowestRoutes: RouteLine[];
  collections: { collection: string; requests: number; errors: number; p95: number }[];
  jobs: Record<"pending" | "running" | "failed" | "dead", number>;
  webhooks: { failed: number; succeeded: number };
}

const ALIAS = "r";

/**
 * The request log summed up for the admin's Dashboard, in SQL on both stores: per time bucket the
 * request count, 4xx/5xx counts and latency percentiles (nearest rank, by window functions, which
 * SQLite and PostgreSQL both have), counts by status, the slowest route templates and collections;
 * plus the job queue and webhook deliveries over the same window. `where` is a compiled logs
 * filter (the same language as `GET /api/logs`).
 */
export async function logDashboard(
  store: Store,
  period: DashboardPeriod,
  where: RawBuilder<unknown>,
  now = Date.now(),
): Promise<Omit<Dashboard, "jobs" | "webhooks">> {
  const { seconds, bucketChars, bucketSeconds } = DASHBOARD_PERIODS[period];
  const since = nowDate(new Date(now - seconds * 1000));
  const f = store.frags;
  const data = sql.ref(`${ALIAS}.data`);
  // One row per request in the window, with the fields every part below groups by.
  const rows = sql`SELECT substr(${sql.ref(`${ALIAS}.created`)}, 1, ${bucketChars}) AS b,
      ${f.jsonNumber(data, ["execTime"])} AS t,
      ${f.jsonNumber(data, ["status"])} AS s,
      ${f.jsonText(data, ["method"])} AS m,
      ${f.jsonText(data, ["route"])} AS route,
      ${f.jsonText(data, ["collection"])} AS c
    FROM _logs AS ${sql.ref(ALIAS)}
    WHERE ${sql.ref(`${ALIAS}.created`)} >= ${since} AND ${where}`;
  const percentiles = sql`MIN(CASE WHEN rn >= 0.5 * n THEN t END) AS p50,
      MIN(CASE WHEN rn >= 0.95 * n THEN t END) AS p95,
      MIN(CASE WHEN rn >= 0.99 * n THEN t END) AS p99`;
  const errors = sql`SUM(CASE WHEN s >= 400 AND s < 500 THEN 1 ELSE 0 END) AS e4,
      SUM(CASE WHEN s >= 500 THEN 1 ELSE 0 END) AS e5`;
  const ranked = (partition: RawBuilder<unknown>) => sql`SELECT w.*,
      ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY t) AS rn,
      COUNT(*) OVER (PARTITION BY ${partition}) AS n
    FROM (${rows}) AS w`;
  const [series, statuses, routes, collections] = await Promise.all([
    sql<Record<string, unknown>>`SELECT b, COUNT(*) AS requests, ${errors}, ${percentiles}
      FROM (${ranked(sql`b`)}) AS x GROUP BY b ORDER BY b`.execute(store.db),
    sql<Record<string, unknown>>`SELECT s, COUNT(*) AS requests FROM (${rows}) AS w
      GROUP BY s ORDER BY s`.execute(store.db),
    sql<Record<string, unknown>>`SELECT m, route, COUNT(*) AS requests, ${errors}, ${percentiles}
      FROM (${ranked(sql`m, route`)}) AS x WHERE route <> ''
      GROUP BY m, route ORDER BY p95 DESC, requests DESC LIMIT 10`.execute(store.db),
    sql<Record<string, unknown>>`SELECT c, COUNT(*) AS requests, ${errors}, ${percentiles}
      FROM (${ranked(sql`c`)}) AS x WHERE c <> ''
      GROUP BY c ORDER BY requests DESC, c LIMIT 20`.execute(store.db),
  ]);
  const num = (v: unknown) => Number(v ?? 0);
  const pad = bucketChars === 16 ? ":00.000Z" : ":00:00.000Z";
  return {
    period,
    since,
    bucketSeconds,
    series: series.rows.map((r) => ({
      date: `${String(r.b)}${pad}`,
      requests: num(r.requests),
      clientErrors: num(r.e4),
      serverErrors: num(r.e5),
      p50: num(r.p50),
      p95: num(r.p95),
      p99: num(r.p99),
    })),
    statuses: statuses.rows.map((r) => ({ status: num(r.s), requests: num(r.requests) })),
    slowestRoutes: routes.rows.map((r) => ({
      method: String(r.m),
      route: String(r.route),
      requests: num(r.requests),
      errors: num(r.e4) + num(r.e5),
      p95: num(r.p95),
    })),
    collections: collections.rows.map((r) => ({
      collection: String(r.c),
      requests: num(r.requests),
      errors: num(r.e4) + num(r.e5),
      p95: num(r.p95),
    })),
  };
}

/** Jobs by state now (failed = waiting for a retry) and webhook deliveries within the window. */
export async function queueHealth(
  store: Store,
  period: DashboardPeriod,
  now = Date.now(),
): Promise<Pick<Dashboard, "jobs" | "webhooks">> {
  const since = nowDate(new Date(now - DASHBOARD_PERIODS[period].seconds * 1000));
  const [jobs, deliveries] = await Promise.all([
    sql<{ status: string; n: unknown }>`SELECT status, COUNT(*) AS n FROM _jobs
      WHERE status IN ('pending', 'running', 'failed', 'dead') GROUP BY status`.execute(store.db),
    sql<{ status: string; n: unknown }>`SELECT status, COUNT(*) AS n FROM _webhook_deliveries
      WHERE created >= ${since} GROUP BY status`.execute(store.db),
  ]);
  const count = (rows: { status: string; n: unknown }[], status: string) =>
    Number(rows.find((r) => r.status === status)?.n ?? 0);
  return {
    jobs: {
      pending: count(jobs.rows, "pending"),
      running: count(jobs.rows, "running"),
      failed: count(jobs.rows, "failed"),
      dead: count(jobs.rows, "dead"),
    },
    webhooks: { failed: count(deliveries.rows, "failed"), succeeded: count(deliveries.rows, "success") },
  };
}
