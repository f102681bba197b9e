import { useEffect, useMemo, useState } from "preact/hooks";
import { type ApiError, present, toApiError } from "../api/client";
import { pb } from "../api/pb";
import { FilterForm } from "../logs/list-parts";
import { DataTable } from "../ui/data-table";
import { Chart, type ChartLine } from "./chart";

type Period = "hour" | "day" | "week";

interface Dashboard {
  period: Period;
  since: string;
  bucketSeconds: number;
  series: {
    date: string;
    requests: number;
    clientErrors: number;
    serverErrors: number;
    p50: number;
    p95: number;
    p99: number;
  }[];
  statuses: { status: number; requests: number }[];
  slowestRoutes: { method: string; route: string; requests: number; errors: number; p95: number }[];
  collections: { collection: string; requests: number; errors: number; p95: number }[];
  jobs: { pending: number; running: number; failed: number; dead: number };
  webhooks: { failed: number; succeeded: number };
  realtime: { connections: number };
}

const PERIODS: { value: Period; label: string }[] = [
  { value: "hour", label: "Last hour" },
  { value: "day", label: "Last day" },
  { value: "week", label: "Last week" },
];

// Distinct on white and for the common colour-vision deficiencies (Okabe–Ito).
const BLUE = "#0072b2";
const ORANGE = "#e69f00";
const RED = "#d55e00";

/** How the app is doing, from the request log: load, latency, errors, queues (`/api/logs/dashboard`). */
export function DashboardScreen() {
  const [period, setPeriod] = useState<Period>("hour");
  const [input, setInput] = useState("");
  const [filter, setFilter] = useState("");
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let current = true;
    setError(null);
    pb.send<Dashboard>("/api/logs/dashboard", { query: present({ period, filter }) }).then(
      (d) => current && setData(d),
      (err) => current && setError(toApiError(err)),
    );
    return () => {
      current = false;
    };
  }, [period, filter]);

  const charts = useMemo(() => (data ? chartsOf(data) : null), [data]);
  const totals = data ? summary(data) : null;

  return (
    <section class="page">
      <header class="page-header">
        <h1>Dashboard</h1>
      </header>
      <FilterForm
        label="Dashboard period and filter"
        submitLabel="Apply"
        onApply={() => setFilter(input.trim())}
      >
        <div class="form-field">
          <label for="dashboard-period">Period</label>
          <select
            id="dashboard-period"
            value={period}
            onChange={(e) => setPeriod(e.currentTarget.value as Period)}
          >
            {PERIODS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div class="form-field filter-wide">
          <label for="dashboard-filter">Filter</label>
          <input
            id="dashboard-filter"
            class="mono"
            placeholder='data.collection = "orders"'
            aria-describedby="dashboard-filter-help"
            value={input}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
          <p id="dashboard-filter-help" class="hint">
            The request log's filter: data.route, data.collection, data.status, data.auth…
          </p>
        </div>
      </FilterForm>
      {error && (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      )}
      {data && totals && charts && (
        <>
          <ul class="tiles" aria-label="Summary">
            <Tile label="Requests per second" value={totals.rate.toFixed(2)} />
            <Tile label="Requests" value={String(totals.requests)} />
            <Tile label="Errors (4xx / 5xx)" value={`${totals.clientErrors} / ${totals.serverErrors}`} />
            <Tile label="Realtime connections" value={String(data.realtime.connections)} />
            <Tile
              label="Jobs waiting / failed / dead"
              value={`${data.jobs.pending} / ${data.jobs.failed} / ${data.jobs.dead}`}
            />
            <Tile label="Webhook deliveries failed" value={String(data.webhooks.failed)} />
          </ul>
          <div class="chart-grid">
            <Chart title="Requests per second" unit="req/s" times={charts.times} lines={charts.rate} />
            <Chart title="Latency" unit="ms" times={charts.times} lines={charts.latency} />
            <Chart title="Errors" unit="requests" times={charts.times} lines={charts.errors} />
          </div>
          <h2>Slowest routes</h2>
          {data.slowestRoutes.length === 0 ? (
            <p class="muted">No requests in this period.</p>
          ) : (
            <DataTable
              caption="Slowest routes by p95 latency"
              columns={["Route", "Requests", "Errors", "p95"]}
            >
              {data.slowestRoutes.map((r) => (
                <tr key={`${r.method} ${r.route}`}>
                  <td class="mono">
                    {r.method} {r.route}
                  </td>
                  <td>{r.requests}</td>
                  <td>{r.errors}</td>
                  <td class="nowrap">{r.p95.toFixed(1)} ms</td>
                </tr>
              ))}
            </DataTable>
          )}
          <div class="split">
            <div>
              <h2>Collections</h2>
              {data.collections.length === 0 ? (
                <p class="muted">No collection was requested in this period.</p>
              ) : (
                <DataTable
                  caption="Requests per collection"
                  columns={["Collection", "Requests", "Errors", "p95"]}
                >
                  {data.collections.map((c) => (
                    <tr key={c.collection}>
                      <td>{c.collection}</td>
                      <td>{c.requests}</td>
                      <td>{c.errors}</td>
                      <td class="nowrap">{c.p95.toFixed(1)} ms</td>
                    </tr>
                  ))}
                </DataTable>
              )}
            </div>
            <div>
              <h2>Status codes</h2>
              {data.statuses.length === 0 ? (
                <p class="muted">No requests in this period.</p>
              ) : (
                <DataTable caption="Requests per status code" columns={["Status", "Requests"]}>
                  {data.statuses.map((s) => (
                    <tr key={s.status}>
                      <td>
                        <span class={`pill${s.status >= 400 ? " pill-bad" : " pill-on"}`}>{s.status}</span>
                      </td>
                      <td>{s.requests}</td>
                    </tr>
                  ))}
                </DataTable>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <li class="card tile">
      <span class="tile-value">{value}</span>
      <span class="tile-label">{label}</span>
    </li>
  );
}

function summary(d: Dashboard) {
  const requests = d.series.reduce((n, p) => n + p.requests, 0);
  const seconds = d.period === "hour" ? 3600 : d.period === "day" ? 86_400 : 7 * 86_400;
  return {
    requests,
    rate: requests / seconds,
    clientErrors: d.series.reduce((n, p) => n + p.clientErrors, 0),
    serverErrors: d.series.reduce((n, p) => n + p.serverErrors, 0),
  };
}

function chartsOf(d: Dashboard): {
  times: number[];
  rate: ChartLine[];
  latency: ChartLine[];
  errors: ChartLine[];
} {
  // Every bucket of the window, those without requests too: no requests is 0 req/s and 0 errors,
  // and a gap (not a line drawn across it) in latency.
  const step = d.bucketSeconds;
  const seconds = (date: string) => Date.parse(date.replace(" ", "T")) / 1000;
  const first = Math.floor(seconds(d.since) / step) * step;
  const last = Math.floor(Date.now() / 1000 / step) * step;
  const byTime = new Map(d.series.map((p) => [seconds(p.date), p]));
  const times: number[] = [];
  for (let t = first; t <= last; t += step) times.push(t);
  const pick = (f: (p: Dashboard["series"][number]) => number, none: number | null) =>
    times.map((t) => {
      const point = byTime.get(t);
      return point ? f(point) : none;
    });
  return {
    times,
    rate: [{ label: "requests/s", color: BLUE, values: pick((p) => p.requests / step, 0) }],
    latency: [
      { label: "p50", color: BLUE, values: pick((p) => p.p50, null) },
      { label: "p95", color: ORANGE, values: pick((p) => p.p95, null) },
      { label: "p99", color: RED, values: pick((p) => p.p99, null) },
    ],
    errors: [
      { label: "4xx", color: ORANGE, values: pick((p) => p.clientErrors, 0) },
      { label: "5xx", color: RED, values: pick((p) => p.serverErrors, 0) },
    ],
  };
}
