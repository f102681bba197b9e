import { useCallback, useEffect, useState } from "preact/hooks";
import { type ApiError, type ListResult, toApiError } from "../api/client";

export const PAGE_SIZE = 50;

/**
 * One page (50 items) of a list, fetched again when the page or the query changes. `load` asks
 * for one page (an SDK service or a Backroom endpoint); `key` says when the query changed.
 * `reload` fetches the current page again, e.g. after an action on one of its items.
 */
export function usePagedList<T>(load: (page: number) => Promise<ListResult<T>>, key: string) {
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ListResult<T> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // `load` is a fresh function each render: the query is compared by value (key).
  const reload = useCallback(() => {
    load(page).then(
      (res) => {
        setResult(res);
        setError(null);
      },
      (err) => setError(toApiError(err)),
    );
  }, [page, key]);
  useEffect(reload, [reload]);
  return { page, setPage, result, error, reload };
}
