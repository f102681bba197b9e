import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, api, describeError, type ListResult } from "../api/client";
import { Pagination } from "../ui/pagination";
import { toast } from "../ui/toasts";

interface Job {
  id: string;
  name: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string;
  created: string;
  updated: string;
}

const STATUSES = ["", "pending", "running", "succeeded", "failed", "dead", "cancelled"];

/** The job queue (/api/jobs): status at a glance, retry dead or failed jobs, cancel waiting ones. */
export function JobsScreen() {
  const [status, setStatus] = useState("");
  const [name, setName] = useState("");
  const [nameFilter, setNameFilter] = useState("");
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ListResult<Job> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    api<ListResult<Job>>("GET", "/api/jobs", { query: { page, perPage: 50, status, name: nameFilter } }).then(
      (res) => {
        setResult(res);
        setError(null);
      },
      (err) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, [page, status, nameFilter]);
  useEffect(load, [load]);

  const act = async (job: Job, action: "retry" | "cancel") => {
    try {
      await api("POST", `/api/jobs/${encodeURIComponent(job.id)}/${action}`);
      toast(action === "retry" ? "Job queued again." : "Job cancelled.");
      load();
    } catch (err) {
      toast(describeError(err), "error");
    }
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>Jobs</h1>
      </header>
      <form
        class="filter-grid"
        aria-label="Filter jobs"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setNameFilter(name.trim());
        }}
      >
        <div class="form-field">
          <label for="jobs-status">Status</label>
          <select
            id="jobs-status"
            value={status}
            onChange={(e) => {
              setPage(1);
              setStatus(e.currentTarget.value);
            }}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || "Any"}
              </option>
            ))}
          </select>
        </div>
        <div class="form-field">
          <label for="jobs-name">Job name</label>
          <input id="jobs-name" class="mono" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="filter-submit">
          <button type="submit" class="btn">
            Apply filters
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
                <caption class="sr-only">Jobs</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Run at (UTC)</th>
                    <th scope="col">Last error</th>
                    <th scope="col">
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((j) => (
                    <tr key={j.id}>
                      <td class="mono">{j.name}</td>
                      <td>
                        <span class={`pill status-${j.status}`}>{j.status}</span>
                      </td>
                      <td>
                        {j.attempts}/{j.maxAttempts}
                      </td>
                      <td class="nowrap">{j.runAt.slice(0, 19)}</td>
                      <td class="cell-text" title={j.lastError}>
                        {j.lastError}
                      </td>
                      <td class="nowrap">
                        {(j.status === "dead" || j.status === "failed" || j.status === "cancelled") && (
                          <button type="button" class="btn btn-sm" onClick={() => act(j, "retry")}>
                            Retry<span class="sr-only"> job {j.id}</span>
                          </button>
                        )}
                        {j.status === "pending" && (
                          <button
                            type="button"
                            class="btn btn-sm btn-danger-ghost"
                            onClick={() => act(j, "cancel")}
                          >
                            Cancel<span class="sr-only"> job {j.id}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {result.items.length === 0 && <p class="muted">No jobs.</p>}
          <Pagination
            page={result.page}
            totalPages={result.totalPages}
            totalItems={result.totalItems}
            onPage={setPage}
          />
        </>
      )}
    </section>
  );
}
