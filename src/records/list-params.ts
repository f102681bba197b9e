import { badRequest } from "../errors/api-error.js";

export interface ListParams {
  page: number;
  perPage: number;
  sort: string;
  filter: string;
  skipTotal: boolean;
  expand: string;
  fields: string;
  /** `?search=`: a full-text query ANDed with the filter (records lists only). */
  search: string;
  /** `?snippet=1`: each record gets `@snippet` (records lists with a search only). */
  snippet: boolean;
}

export const MAX_PER_PAGE = 1000;
export const MAX_FILTER_LENGTH = 3500;
export const MAX_SEARCH_LENGTH = 1000;

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`Invalid ${name}: must be a positive whole number.`);
  const n = Number(value);
  return n < 1 ? fallback : n;
}

/** Reads the list query string with PocketBase's defaults and limits. */
export function parseListParams(query: Record<string, string>): ListParams {
  const perPage = positiveInt(query.perPage, 30, "perPage");
  const filter = query.filter ?? "";
  if (filter.length > MAX_FILTER_LENGTH)
    throw badRequest(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  const search = query.search ?? "";
  if (search.length > MAX_SEARCH_LENGTH)
    throw badRequest(`The search is longer than ${MAX_SEARCH_LENGTH} characters.`);
  return {
    page: positiveInt(query.page, 1, "page"),
    perPage: Math.min(perPage, MAX_PER_PAGE),
    sort: query.sort ?? "",
    filter,
    skipTotal: query.skipTotal === "true" || query.skipTotal === "1",
    expand: query.expand ?? "",
    fields: query.fields ?? "",
    search,
    snippet: query.snippet === "true" || query.snippet === "1",
  };
}
