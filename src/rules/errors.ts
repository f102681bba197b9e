import { type ApiError, badRequest, issue } from "../errors/api-error.js";

/** The one way the rules module reports a bad filter: a 400 naming the problem, never internals. */
export function invalidFilter(detail: string): ApiError {
  return badRequest(`Invalid filter: ${detail}.`, { filter: issue("validation_invalid_filter", detail) });
}

/** A bad `?search=` query string (the same checks as `search()` in a filter). */
export function invalidSearch(detail: string): ApiError {
  return badRequest(`Invalid search: ${detail}.`, { search: issue("validation_invalid_search", detail) });
}

export function invalidSort(detail: string): ApiError {
  return badRequest(`Invalid sort: ${detail}.`, { sort: issue("validation_invalid_sort", detail) });
}
