import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { firstCreatedAfter, maxOutboxSeq } from "../events/outbox.js";
import { nowDate } from "../ids.js";
import { jobBacklog } from "../jobs/job-store.js";
import { JOB_STATUSES } from "../jobs/job-types.js";
import type { Store } from "../store/store.js";
import type { CountedHistogram } from "./counted-histogram.js";
import type { OpsCounters } from "./ops-counters.js";

/** Stored dates (`YYYY-MM-DD HH:MM:SS.sssZ`) as milliseconds. */
const parseStoredDate = (text: string) => Date.parse(text.replace(" ", "T"));

/** What the metrics read when scraped. */
export interface MetricsSources {
  store: Store;
  /** This node's outbox dispatcher: the last sequence number it handed to its listeners. */
  events: { readonly cursor: number };
  realtime: { readonly size: number; subscriptionCount(): number };
  counters: OpsCounters;
}

/** What AppMetrics counts as requests and statements happen. */
export interface CountedTimings {
  requestSeconds: CountedHistogram;
  querySeconds: CountedHistogram;
  inFlight(): number;
}

/**
 * The prom-client registry of one app, built on the first scrape (prom-client and its default
 * process metrics cost ~13 MB of memory, which a server nobody scrapes needn't hold): the timings
 * counted so far, and everything read at scrape time (pool, outbox lag, realtime, job queue,
 * counters kept by the parts of the server). Process metrics that sample over time (event loop
 * lag, GC) start with that first scrape.
 */
export function buildMetricsRegistry(sources: MetricsSources, timings: CountedTimings): Registry {
  const { store, events, realtime, counters } = sources;
  const registry = new Registry();
  const registers = [registry];

  // Counted as they happen, by AppMetrics, in plain numbers.
  registry.registerMetric(timings.requestSeconds as never);
  registry.registerMetric(timings.querySeconds as never);
  new Gauge({
    name: "backroom_http_requests_in_flight",
    help: "HTTP requests received and not yet answered",
    registers,
    collect() {
      this.set(timings.inFlight());
    },
  });

  if (store.poolStats) {
    const poolStats = store.poolStats.bind(store);
    new Gauge({
      name: "backroom_db_pool_connections",
      help: "PostgreSQL pool connections by state (busy: running a statement or held by a transaction)",
      labelNames: ["state"],
      registers,
      collect() {
        const stats = poolStats();
        this.set({ state: "busy" }, stats.busy);
        this.set({ state: "idle" }, stats.idle);
      },
    });
    new Gauge({
      name: "backroom_db_pool_waiting",
      help: "Callers waiting for a PostgreSQL pool connection",
      registers,
      collect() {
        this.set(poolStats().waiting);
      },
    });
  }

  // Outbox: one read when scraped, shared by the three gauges.
  let outbox: Promise<{ newest: number; dispatched: number; ageSeconds: number }> | undefined;
  const readOutbox = () => {
    outbox ??= (async () => {
      const dispatched = events.cursor;
      const newest = await maxOutboxSeq(store.db);
      const first = newest > dispatched ? await firstCreatedAfter(store.db, dispatched) : undefined;
      const ageSeconds = first ? Math.max(0, (Date.now() - parseStoredDate(first)) / 1000) : 0;
      return { newest, dispatched, ageSeconds };
    })().finally(() => {
      outbox = undefined;
    });
    return outbox;
  };
  new Gauge({
    name: "backroom_outbox_newest_seq",
    help: "Sequence number of the newest event in the outbox",
    registers,
    async collect() {
      this.set((await readOutbox()).newest);
    },
  });
  new Gauge({
    name: "backroom_outbox_dispatched_seq",
    help: "Sequence number of the last event this node handed to realtime, webhooks and hooks",
    registers,
    async collect() {
      this.set((await readOutbox()).dispatched);
    },
  });
  new Gauge({
    name: "backroom_outbox_lag_events",
    help: "Events written but not yet dispatched by this node (newest seq - dispatched seq)",
    registers,
    async collect() {
      const { newest, dispatched } = await readOutbox();
      this.set(Math.max(0, newest - dispatched));
    },
  });
  new Gauge({
    name: "backroom_outbox_lag_seconds",
    help: "Age of the oldest event this node has not dispatched yet (0 when none waits)",
    registers,
    async collect() {
      this.set((await readOutbox()).ageSeconds);
    },
  });

  new Gauge({
    name: "backroom_realtime_connections",
    help: "Open realtime connections (SSE and WebSocket) on this node",
    registers,
    collect() {
      this.set(realtime.size);
    },
  });
  new Gauge({
    name: "backroom_realtime_subscriptions",
    help: "Subscriptions held by this node's realtime connections",
    registers,
    collect() {
      this.set(realtime.subscriptionCount());
    },
  });
  new Counter({
    name: "backroom_realtime_slow_clients_dropped_total",
    help: "Realtime connections cut because their reader fell too far behind",
    registers,
    collect() {
      this.reset();
      this.inc(counters.slowClientsDropped);
    },
  });

  let backlog: ReturnType<typeof jobBacklog> | undefined;
  const readBacklog = () => {
    backlog ??= jobBacklog(store.db, nowDate()).finally(() => {
      backlog = undefined;
    });
    return backlog;
  };
  new Gauge({
    name: "backroom_jobs",
    help: "Jobs in the queue by status (failed: awaiting a retry; dead: no attempts left, the dead letters)",
    labelNames: ["status"],
    registers,
    async collect() {
      const { byStatus } = await readBacklog();
      for (const status of JOB_STATUSES) this.set({ status }, byStatus.get(status) ?? 0);
    },
  });
  new Gauge({
    name: "backroom_jobs_oldest_due_seconds",
    help: "How long the oldest job that is due to run has waited (0 when none is due)",
    registers,
    async collect() {
      const { oldestDue } = await readBacklog();
      this.set(oldestDue ? Math.max(0, (Date.now() - parseStoredDate(oldestDue)) / 1000) : 0);
    },
  });
  new Counter({
    name: "backroom_job_runs_total",
    help: "Job attempts run by this node by result (failed: retried later; dead: no retry left)",
    labelNames: ["result"],
    registers,
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(counters.jobRuns)) this.inc({ result }, n);
    },
  });

  new Counter({
    name: "backroom_webhook_deliveries_total",
    help: "Webhook delivery attempts by result (success: the receiver answered 2xx)",
    labelNames: ["result"],
    registers,
    collect() {
      this.reset();
      for (const [result, n] of Object.entries(counters.webhookDeliveries)) this.inc({ result }, n);
    },
  });
  new Counter({
    name: "backroom_rate_limit_refusals_total",
    help: "Requests refused by a rate limit rule (429)",
    registers,
    collect() {
      this.reset();
      this.inc(counters.rateLimitRefusals);
    },
  });

  collectDefaultMetrics({ register: registry });
  return registry;
}
