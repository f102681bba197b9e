/**
 * A Prometheus histogram kept in plain numbers and turned into prom-client's shape only when
 * scraped. prom-client's own Histogram hashes the label set and searches its buckets through
 * objects on every `observe`; a request or SQL statement here pays for one array walk and three
 * additions instead (the exposition is the same: `_bucket{le}`, `_sum`, `_count`).
 */

/** The observations of one label set. */
export class HistogramSeries {
  /** Per bucket, not cumulative; the last one is `+Inf`. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }

  /** Cumulative counts per bucket, `+Inf` last (equal to `count`). */
  cumulative(): number[] {
    let running = 0;
    return Array.from(this.counts, (n) => {
      running += n;
      return running;
    });
  }
}

type Labels = Record<string, string>;
interface Sample {
  metricName: string;
  labels: Labels;
  value: number;
}

/**
 * The metric as a prom-client registry reads it (`registry.registerMetric`): series are made on
 * first use and live as long as the metric (label values must be bounded, as for any histogram).
 */
export class CountedHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, { labels: Labels; series: HistogramSeries }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** The series already made for `key`, if any: the hot path, which allocates nothing. */
  existing(key: string): HistogramSeries | undefined {
    return this.series.get(key)?.series;
  }

  /** The series of one label set; `key` identifies it (callers keep it cheap to build). */
  seriesFor(key: string, labels: Labels): HistogramSeries {
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, series: new HistogramSeries(this.bounds) };
      this.series.set(key, entry);
    }
    return entry.series;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    const values: Sample[] = [];
    for (const { labels, series } of this.series.values()) {
      const cumulative = series.cumulative();
      cumulative.forEach((value, i) => {
        const le = i < this.bounds.length ? String(this.bounds[i]) : "+Inf";
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value });
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
