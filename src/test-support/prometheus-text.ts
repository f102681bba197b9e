// The parser ships no types: what it returns, as far as the tests read it.
// @ts-expect-error no declaration file
import parsePrometheusTextFormat from "parse-prometheus-text-format";

export interface MetricSample {
  labels?: Record<string, string>;
  value?: string;
  /** Histograms: cumulative counts by upper bound. */
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: MetricSample[];
}

const parse = parsePrometheusTextFormat as (text: string) => MetricFamily[];

/**
 * Parses Prometheus' text exposition format with an independent parser (not prom-client's own; it
 * throws on a malformed line). That parser merges the samples of a labelled histogram into one and
 * drops their labels, so each histogram's `_count` lines are also parsed as a counter family of
 * their own, named `<histogram>_count`, with their labels.
 */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map(parse(text).map((f) => [f.name, f]));
  for (const family of [...families.values()]) {
    if (family.type !== "HISTOGRAM") continue;
    const name = `${family.name}_count`;
    const lines = text
      .split("\n")
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
    const [counts] = parse(`# HELP ${name} counts\n# TYPE ${name} counter\n${lines.join("\n")}\n`);
    if (counts) families.set(name, counts);
  }
  return families;
}

/** The value of a counter or gauge sample whose labels include `labels` (0 when there is none). */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.get(name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return Number(sample?.value ?? sample?.count ?? 0);
}
