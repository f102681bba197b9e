import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CountedHistogram } from "./counted-histogram.js";

const BOUNDS = [0.001, 0.01, 0.1, 1];

describe("CountedHistogram", () => {
  it("renders the same exposition text as prom-client's Histogram for the same observations", async () => {
    const theirs = new Registry();
    const reference = new Histogram({
      name: "t_seconds",
      help: "h",
      labelNames: ["route", "status"],
      buckets: BOUNDS,
      registers: [theirs],
    });
    const ours = new Registry();
    const counted = new CountedHistogram("t_seconds", "h", BOUNDS);
    ours.registerMetric(counted as never);

    // On a bound, between bounds, under the first, over the last, and two label sets.
    const observations: [string, string, number][] = [
      ["/a", "200", 0.001],
      ["/a", "200", 0.0005],
      ["/a", "200", 0.05],
      ["/a", "200", 7],
      ["/b", "404", 0.2],
      ["/a", "200", 0.01],
    ];
    for (const [route, status, value] of observations) {
      reference.labels(route, status).observe(value);
      const key = `${route} ${status}`;
      (counted.existing(key) ?? counted.seriesFor(key, { route, status })).observe(value);
    }

    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it("keeps one series per key, made on first use", () => {
    const counted = new CountedHistogram("t_seconds", "h", BOUNDS);
    expect(counted.existing("x")).toBeUndefined();
    const series = counted.seriesFor("x", { route: "/x" });
    series.observe(0.5);
    series.observe(2);
    expect(counted.seriesFor("x", { route: "ignored" })).toBe(series);
    expect(series.count).toBe(2);
    expect(series.sum).toBe(2.5);
    expect(series.cumulative()).toEqual([0, 0, 0, 1, 2]);
  });
});
