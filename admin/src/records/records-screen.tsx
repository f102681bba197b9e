import { useCallback, useEffect, useState } from "preact/hooks";
import { type ApiError, describeError, type ListResult, present, toApiError } from "../api/client";
import { useCollections } from "../api/collections-store";
import { pb } from "../api/pb";
import type { RecordModel } from "../api/types";
import { ApiPreview } from "../collections/api-preview";
import { columnFields, relationExpand } from "../fields/registry";
import { href, navigate } from "../router";
import { ConfirmDialog, Dialog } from "../ui/dialog";
import { describedBy } from "../ui/form-field";
import { Pagination } from "../ui/pagination";
import { toast } from "../ui/toasts";
import { useHiddenColumns } from "./column-choice";
import { ColumnPicker } from "./column-picker";
import { exportCsv } from "./csv";
import { RecordEditor } from "./record-editor";
import { RecordTable } from "./record-table";

const PER_PAGE = 30;

/** One collection's records: filter, sort, page, select, edit in a drawer, export. */
export function RecordsScreen({ name }: { name: string }) {
  const collections = useCollections();
  const collection = collections?.find((c) => c.name === name);
  const [filterText, setFilterText] = useState("");
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ListResult<RecordModel> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<RecordModel | "new" | null>(null);
  const [confirmBulk, setConfirmBulk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [showApi, setShowApi] = useState(false);
  const [hiddenColumns, setHiddenColumns] = useHiddenColumns(name);

  const defaultSort = collection?.fields.some((f) => f.name === "created") ? "-created" : "";
  const activeSort = sort ?? defaultSort;

  const load = useCallback(async () => {
    if (!collection) return;
    try {
      const res = await pb
        .collection(collection.name)
        // Related records come along, so relation cells and the drawer name them, not their ids.
        .getList<RecordModel>(
          page,
          PER_PAGE,
          present({ filter, sort: activeSort, expand: relationExpand(collection) }),
        );
      setResult(res);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    }
  }, [collection, page, filter, activeSort]);

  useEffect(() => {
    load();
  }, [load]);

  if (!collections) return <p class="muted pad">Loading…</p>;
  if (!collection)
    return (
      <section class="page">
        <h1>Collection not found</h1>
        <p>
          There is no collection named “{name}”. <a href={href("/new-collection")}>Create one</a>.
        </p>
      </section>
    );

  const applyFilter = (event: Event) => {
    event.preventDefault();
    setPage(1);
    setSelected(new Set());
    setFilter(filterText.trim());
  };

  const bulkDelete = async () => {
    setBusy(true);
    let failed = 0;
    for (const id of selected) {
      try {
        await pb.collection(collection.name).delete(id);
      } catch {
        failed++;
      }
    }
    setBusy(false);
    setConfirmBulk(false);
    toast(
      failed
        ? `${failed} of ${selected.size} records could not be deleted.`
        : `Deleted ${selected.size} ${selected.size === 1 ? "record" : "records"}.`,
      failed ? "error" : "success",
    );
    setSelected(new Set());
    load();
  };

  const doExport = async () => {
    try {
      const count = await exportCsv(collection, filter, activeSort);
      toast(`Exported ${count} ${count === 1 ? "record" : "records"}.`);
    } catch (err) {
      toast(describeError(err), "error");
    }
  };

  const filterError = error
    ? (error.fieldMessage("filter") ?? error.fieldMessage("sort") ?? error.message)
    : undefined;
  const readOnly = collection.type === "view";
  return (
    <section class="page">
      <header class="page-header">
        <div>
          <p class="breadcrumbs">Collections</p>
          <h1>
            {collection.name}
            {collection.type !== "base" && <span class="badge badge-lg">{collection.type}</span>}
          </h1>
        </div>
        <div class="actions">
          {/* A button that navigates: it looks like one, so it is one to assistive technology too. */}
          <button
            type="button"
            class="btn"
            onClick={() => navigate(`/collections/${encodeURIComponent(collection.name)}/schema`)}
          >
            Edit collection
          </button>
          <button type="button" class="btn" onClick={() => setShowApi(true)}>
            API preview
          </button>
          <button type="button" class="btn" onClick={doExport}>
            Export CSV
          </button>
          <ColumnPicker
            fields={columnFields(collection).filter((f) => f.name !== "id")}
            hidden={hiddenColumns}
            onChange={setHiddenColumns}
          />
          {!readOnly && (
            <button type="button" class="btn btn-primary" onClick={() => setEditing("new")}>
              + New record
            </button>
          )}
        </div>
      </header>

      <form class="filter-bar" onSubmit={applyFilter} aria-label="Record filter">
        <label for="records-filter" class="sr-only">
          Filter records
        </label>
        <input
          id="records-filter"
          class="mono"
          type="search"
          placeholder={'Filter, e.g. title ~ "hello" && created > "2024-01-01"'}
          value={filterText}
          onInput={(e) => setFilterText(e.currentTarget.value)}
          {...describedBy("records-filter", filterError)}
        />
        <button type="submit" class="btn">
          Apply
        </button>
        {filter && (
          <button
            type="button"
            class="btn btn-ghost"
            onClick={() => {
              setFilterText("");
              setFilter("");
              setPage(1);
            }}
          >
            Clear
          </button>
        )}
      </form>
      {filterError && (
        <p class="field-error" id="records-filter-error" role="alert">
          {filterError}
        </p>
      )}

      {selected.size > 0 && !readOnly && (
        <section class="bulk-bar" aria-label="Selection">
          <span>{selected.size} selected</span>
          <button type="button" class="btn btn-ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
          <button type="button" class="btn btn-danger" onClick={() => setConfirmBulk(true)}>
            Delete selected
          </button>
        </section>
      )}

      {result === null ? (
        <p class="muted">Loading…</p>
      ) : result.items.length === 0 ? (
        <div class="empty">
          <p>{filter ? "No records match the filter." : "No records yet."}</p>
        </div>
      ) : (
        <RecordTable
          collection={collection}
          records={result.items}
          sort={activeSort}
          onSort={(s) => {
            setSort(s);
            setPage(1);
          }}
          selected={selected}
          onSelect={setSelected}
          onOpen={setEditing}
          hidden={hiddenColumns}
        />
      )}
      {result && result.totalItems > 0 && (
        <Pagination
          page={result.page}
          totalPages={result.totalPages}
          totalItems={result.totalItems}
          onPage={setPage}
        />
      )}

      {editing && (
        <RecordEditor
          collection={collection}
          record={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
      {confirmBulk && (
        <ConfirmDialog
          title="Delete records"
          message={`Delete ${selected.size} selected record${selected.size === 1 ? "" : "s"}? This cannot be undone.`}
          confirmLabel="Delete"
          danger
          busy={busy}
          onConfirm={bulkDelete}
          onCancel={() => setConfirmBulk(false)}
        />
      )}
      {showApi && (
        <Dialog title={`API preview: ${collection.name}`} onClose={() => setShowApi(false)} wide>
          <ApiPreview collection={collection} />
        </Dialog>
      )}
    </section>
  );
}
