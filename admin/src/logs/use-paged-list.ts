import { useCallback, useEffect, useState } from "preact/hooks";
import { type ApiError, api, type ListResult, type Query, toApiError } from "../api/client";

/**
 * One page (50 items) of a list endpoint, fetched again when the page or the query changes.
 * `reload` fetches the current page again, e.g. after an action on one of its items.
 */
export function usePagedList<T>(path: string, query: Query) {
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ListResult<T> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const queryKey = JSON.stringify(query);
  // The query is a fresh object each render: compare it by value (queryKey).
  const reload = useCallback(() => {
    api<ListResult<T>>("GET", path, { query: { page, perPage: 50, ...query } }).then(
      (res) => {
        setResult(res);
        setError(null);
      },
      (err) => setError(toApiError(err)),
    );
  }, [path, page, queryKey]);
  useEffect(reload, [reload]);
  return { page, setPage, result, error, reload };
}
