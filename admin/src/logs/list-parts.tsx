import type { ComponentChildren } from "preact";
import type { ApiError, ListResult } from "../api/client";
import { type Column, DataTable } from "../ui/data-table";
import { Pagination } from "../ui/pagination";

/** The filter form above a list: its fields, then the submit button. */
export function FilterForm({
  label,
  submitLabel = "Apply filters",
  onApply,
  children,
}: {
  /** Accessible name of the form. */
  label: string;
  submitLabel?: string;
  onApply: () => void;
  children: ComponentChildren;
}) {
  return (
    <form
      class="filter-grid"
      onSubmit={(event) => {
        event.preventDefault();
        onApply();
      }}
      aria-label={label}
    >
      {children}
      <div class="filter-submit">
        <button type="submit" class="btn">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

interface PagedTableProps<T> {
  /** The page and its load error, as usePagedList gives them. */
  list: { result: ListResult<T> | null; error: ApiError | null; setPage: (page: number) => void };
  caption: string;
  columns: Column[];
  /** Shown instead of the table when the page is empty. */
  empty: string;
  row: (item: T) => ComponentChildren;
}

/** A page of a list: the load error, the table (or the empty message) and the pagination. */
export function PagedTable<T>({ list, caption, columns, empty, row }: PagedTableProps<T>) {
  const { result, error, setPage } = list;
  return (
    <>
      {error && (
        <p class="form-error" role="alert">
          {error.message}
        </p>
      )}
      {result && (
        <>
          {result.items.length > 0 && (
            <DataTable caption={caption} columns={columns}>
              {result.items.map(row)}
            </DataTable>
          )}
          {result.items.length === 0 && <p class="muted">{empty}</p>}
          <Pagination
            page={result.page}
            totalPages={result.totalPages}
            totalItems={result.totalItems}
            onPage={setPage}
          />
        </>
      )}
    </>
  );
}
