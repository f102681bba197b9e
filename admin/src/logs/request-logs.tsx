import { useState } from "preact/hooks";
import { type ListResult, present } from "../api/client";
import { pb } from "../api/pb";
import { Dialog } from "../ui/dialog";
import { FilterForm, PagedTable } from "./list-parts";
import { PAGE_SIZE, usePagedList } from "./use-paged-list";

interface RequestLog {
  id: string;
  created: string;
  /** A number on the wire (the SDK's LogModel types it as a string). */
  level: number | string;
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
  const list = usePagedList(
    (page): Promise<ListResult<RequestLog>> => pb.logs.getList(page, PAGE_SIZE, present({ filter })),
    filter,
  );
  const { setPage } = list;
  const [viewing, setViewing] = useState<RequestLog | null>(null);

  const apply = () => {
    setPage(1);
    setFilter(input.trim());
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>Request logs</h1>
      </header>
      <FilterForm label="Filter the request logs" submitLabel="Apply filter" onApply={apply}>
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
      </FilterForm>
      <PagedTable
        list={list}
        caption="Requests"
        columns={["Time (UTC)", "Method", "URL", "Status", "Duration", "Auth", { hidden: "Details" }]}
        empty="No requests."
        row={(log) => (
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
        )}
      />
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
