import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type ListResult } from "../api/client";
import { Dialog } from "../ui/dialog";
import { Pagination } from "../ui/pagination";

interface RequestLog {
  id: string;
  created: string;
  level: number;
  message: string;
  data: {
    method?: string;
    url?: string;
    status?: number;
    execTime?: number;
    auth?: string;
    [key: string]: unknown;
  };
}

const EXAMPLES = 'data.status >= 400 · data.method = "POST" · data.url ~ "/records"';

/** The request log (/api/logs), newest first, filtered with the rules language. */
export function RequestLogsScreen() {
  const [input, setInput] = useState("");
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ListResult<RequestLog> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [viewing, setViewing] = useState<RequestLog | null>(null);

  useEffect(() => {
    api<ListResult<RequestLog>>("GET", "/api/logs", { query: { page, perPage: 50, filter } }).then(
      (res) => {
        setResult(res);
        setError(null);
      },
      (err) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, [page, filter]);

  const apply = (event: Event) => {
    event.preventDefault();
    setPage(1);
    setFilter(input.trim());
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>Request logs</h1>
      </header>
      <form class="filter-grid" onSubmit={apply} aria-label="Filter the request logs">
        <div class="form-field filter-wide">
          <label for="logs-filter">Filter</label>
          <input
            id="logs-filter"
            class="mono"
            placeholder="data.status >= 400"
            aria-describedby="logs-filter-help"
            value={input}
            onInput={(e) => setInput(e.currentTarget.value)}
          />
          <p id="logs-filter-help" class="hint">
            Fields: created, level, message, data.*. For example {EXAMPLES}
          </p>
        </div>
        <div class="filter-submit">
          <button type="submit" class="btn">
            Apply filter
          </button>
        </div>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      )}
      {result && (
        <>
          {result.items.length > 0 && (
            <div class="table-wrap">
              <table class="records-table">
                <caption class="sr-only">Requests</caption>
                <thead>
                  <tr>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">Method</th>
                    <th scope="col">URL</th>
                    <th scope="col">Status</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Auth</th>
                    <th scope="col">
                      <span class="sr-only">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((log) => (
                    <tr key={log.id}>
                      <td class="nowrap">{log.created.slice(0, 19)}</td>
                      <td class="mono">{log.data.method ?? ""}</td>
                      <td class="mono">
                        <span class="cell-text" title={log.data.url ?? log.message}>
                          {log.data.url ?? log.message}
                        </span>
                      </td>
                      <td>
                        <span class={`pill${(log.data.status ?? 0) >= 400 ? " pill-bad" : " pill-on"}`}>
                          {log.data.status ?? "—"}
                        </span>
                      </td>
                      <td class="nowrap">
                        {log.data.execTime !== undefined ? `${log.data.execTime.toFixed(1)} ms` : ""}
                      </td>
                      <td>{log.data.auth ?? ""}</td>
                      <td class="nowrap">
                        <button type="button" class="btn btn-sm" onClick={() => setViewing(log)}>
                          Details<span class="sr-only"> of request {log.id}</span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {result.items.length === 0 && <p class="muted">No requests.</p>}
          <Pagination
            page={result.page}
            totalPages={result.totalPages}
            totalItems={result.totalItems}
            onPage={setPage}
          />
        </>
      )}
      {viewing && (
        <Dialog variant="drawer" title={viewing.message} onClose={() => setViewing(null)}>
          <p class="muted">
            {viewing.created} · level {viewing.level} · id <span class="mono">{viewing.id}</span>
          </p>
          <pre class="pre-muted">{JSON.stringify(viewing.data, null, 2)}</pre>
        </Dialog>
      )}
    </section>
  );
}
