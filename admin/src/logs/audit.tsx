import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type ListResult } from "../api/client";
import { Pagination } from "../ui/pagination";

interface AuditEntry {
  id: string;
  created: string;
  action: string;
  collectionName: string;
  recordId: string;
  actorCollection: string;
  actorId: string;
  changes: string[];
  requestId: string;
  ip: string;
}

const FILTERS = [
  { key: "action", label: "Action", placeholder: "record.create" },
  { key: "collectionName", label: "Collection", placeholder: "posts" },
  { key: "recordId", label: "Record id", placeholder: "" },
  { key: "actorId", label: "Actor id", placeholder: "" },
] as const;
type FilterKey = (typeof FILTERS)[number]["key"];

/** The audit log (/api/audit), newest first, filtered by exact values. */
export function AuditScreen() {
  const [inputs, setInputs] = useState<Record<FilterKey, string>>({
    action: "",
    collectionName: "",
    recordId: "",
    actorId: "",
  });
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ListResult<AuditEntry> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api<ListResult<AuditEntry>>("GET", "/api/audit", { query: { page, perPage: 50, filter } }).then(
      (res) => {
        setResult(res);
        setError(null);
      },
      (err) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, [page, filter]);

  const apply = (event: Event) => {
    event.preventDefault();
    const parts = FILTERS.filter((f) => inputs[f.key].trim()).map(
      (f) => `${f.key} = "${inputs[f.key].trim().replaceAll('"', "")}"`,
    );
    setPage(1);
    setFilter(parts.join(" && "));
  };

  return (
    <section class="page">
      <header class="page-header">
        <h1>Audit log</h1>
      </header>
      <form class="filter-grid" onSubmit={apply} aria-label="Filter the audit log">
        {FILTERS.map((f) => (
          <div class="form-field" key={f.key}>
            <label for={`audit-${f.key}`}>{f.label}</label>
            <input
              id={`audit-${f.key}`}
              class="mono"
              placeholder={f.placeholder}
              value={inputs[f.key]}
              onInput={(e) => setInputs({ ...inputs, [f.key]: e.currentTarget.value })}
            />
          </div>
        ))}
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
                <caption class="sr-only">Audit entries</caption>
                <thead>
                  <tr>
                    <th scope="col">Time (UTC)</th>
                    <th scope="col">Action</th>
                    <th scope="col">Collection</th>
                    <th scope="col">Record</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Changes</th>
                    <th scope="col">IP</th>
                  </tr>
                </thead>
                <tbody>
                  {result.items.map((e) => (
                    <tr key={e.id}>
                      <td class="nowrap">{e.created.slice(0, 19)}</td>
                      <td>
                        <span class="pill">{e.action}</span>
                      </td>
                      <td>{e.collectionName}</td>
                      <td class="mono">{e.recordId}</td>
                      <td class="mono">{e.actorId ? `${e.actorCollection}/${e.actorId}` : "—"}</td>
                      <td>{e.changes.join(", ")}</td>
                      <td class="mono">{e.ip}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {result.items.length === 0 && <p class="muted">No entries.</p>}
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
