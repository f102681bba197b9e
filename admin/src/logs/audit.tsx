import { useState } from "preact/hooks";
import { listPage } from "../api/backroom";
import { FilterForm, PagedTable } from "./list-parts";
import { PAGE_SIZE, usePagedList } from "./use-paged-list";

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
  const list = usePagedList(
    (page) => listPage<AuditEntry>("/api/audit", page, PAGE_SIZE, { filter }),
    filter,
  );
  const { setPage } = list;

  const apply = () => {
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
      <FilterForm label="Filter the audit log" onApply={apply}>
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
      </FilterForm>
      <PagedTable
        list={list}
        caption="Audit entries"
        columns={["Time (UTC)", "Action", "Collection", "Record", "Actor", "Changes", "IP"]}
        empty="No entries."
        row={(e) => (
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
        )}
      />
    </section>
  );
}
