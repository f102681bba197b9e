interface PaginationProps {
  page: number;
  totalPages: number;
  totalItems: number;
  onPage: (page: number) => void;
}

export function Pagination({ page, totalPages, totalItems, onPage }: PaginationProps) {
  return (
    <nav class="pagination" aria-label="Pages">
      <span class="muted">
        {totalItems} {totalItems === 1 ? "item" : "items"} · page {page} of {Math.max(totalPages, 1)}
      </span>
      <button type="button" class="btn btn-sm" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <button type="button" class="btn btn-sm" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
