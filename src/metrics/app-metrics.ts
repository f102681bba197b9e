import type { Registry } from "prom-client";
import { CountedHistogram, type HistogramSeries } from "./counted-histogram.js";
import type { MetricsSources } from "./metrics-registry.js";

/** Seconds; request and statement times of a small server, from a fast cached read to a slow export. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Prometheus' text exposition format, version 0.0.4 (prom-client's default registry type). */
const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * Every Prometheus metric of one app, in a registry of its own (several apps may share a process in
 * tests). Request and statement timings are counted as they happen in plain numbers (see
 * CountedHistogram: a request or a statement pays for a few additions, not for prom-client's label
 * hashing); prom-client itself loads with the first scrape (metrics-registry.ts), which turns
 * these and everything read at scrape time into its text format.
 */
export class AppMetrics {
  private readonly requestSeconds = new CountedHistogram(
    "backroom_http_request_duration_seconds",
    "HTTP requests by method, route template and status (its _count is the request count)",
    LATENCY_BUCKETS,
  );
  private readonly queryHistogram = new CountedHistogram(
    "backroom_db_query_duration_seconds",
    "Time of each SQL statement on the primary store",
    LATENCY_BUCKETS,
  );
  /** One series without labels, shown (at zero) from the start. */
  private readonly querySeconds: HistogramSeries = this.queryHistogram.seriesFor("", {});
  private inFlight = 0;
  /** The store's statement times, in milliseconds, into the histogram in seconds. */
  private readonly queryDurations = { record: (ms: number) => this.querySeconds.observe(ms / 1000) };
  private registry: Promise<Registry> | undefined;

  constructor(private readonly sources: MetricsSources) {}

  /** Times the store's statements while on (off, the store reads no clock for them). */
  setEnabled(on: boolean): void {
    const queries = this.sources.store.queries;
    if (on) queries.durations = this.queryDurations;
    else if (queries.durations === this.queryDurations) queries.durations = undefined;
  }

  close(): void {
    this.setEnabled(false);
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestEnded(): void {
    this.inFlight--;
  }

  /** One answered request; `route` is the route's template (`/api/collections/:collection/records`). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    const series =
      this.requestSeconds.existing(key) ??
      this.requestSeconds.seriesFor(key, { method, route, status: String(status) });
    series.observe(seconds);
  }

  /** The text exposition format. */
  async render(): Promise<string> {
    this.registry ??= import("./metrics-registry.js").then(({ buildMetricsRegistry }) =>
      buildMetricsRegistry(this.sources, {
        requestSeconds: this.requestSeconds,
        querySeconds: this.queryHistogram,
        inFlight: () => this.inFlight,
      }),
    );
    return (await this.registry).metrics();
  }

  get contentType(): string {
    return CONTENT_TYPE;
  }
}
