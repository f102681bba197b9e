import { useState } from "preact/hooks";
import { jobs, listPage } from "../api/backroom";
import { toastAction } from "../ui/toasts";
import { FilterForm, PagedTable } from "./list-parts";
import { PAGE_SIZE, usePagedList } from "./use-paged-list";

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
  const query = { status, name: nameFilter };
  const list = usePagedList(
    (page) => listPage<Job>("/api/jobs", page, PAGE_SIZE, query),
    JSON.stringify(query),
  );
  const { setPage, reload } = list;

  const act = (job: Job, action: "retry" | "cancel") =>
    toastAction(
      () => jobs.act(job.id, action),
      action === "retry" ? "Job queued again." : "Job cancelled.",
      reload,
    );

  return (
    <section class="page">
      <header class="page-header">
        <h1>Jobs</h1>
      </header>
      <FilterForm
        label="Filter jobs"
        onApply={() => {
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
      </FilterForm>
      <PagedTable
        list={list}
        caption="Jobs"
        columns={["Name", "Status", "Attempts", "Run at (UTC)", "Last error", { hidden: "Actions" }]}
        empty="No jobs."
        row={(j) => (
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
                <button type="button" class="btn btn-sm btn-danger-ghost" onClick={() => act(j, "cancel")}>
                  Cancel<span class="sr-only"> job {j.id}</span>
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </section>
  );
}
