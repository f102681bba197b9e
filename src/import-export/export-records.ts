import type { RecordActions } from "../api/record-actions.js";
import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import { badRequest } from "../errors/api-error.js";
import { accessFor } from "../records/access.js";
import { parseExpand, serializeWithExpand } from "../records/expand.js";
import { MAX_FILTER_LENGTH, MAX_SEARCH_LENGTH } from "../records/list-params.js";
import { type RequestContext, requestInfo } from "../records/request-context.js";
import type { Store } from "../store/store.js";
import { cellOf, csvLine } from "./csv-write.js";
import { recordsAfter } from "./export-query.js";

export type ExportFormat = "csv" | "ndjson";

export function parseExportFormat(text: string | undefined): ExportFormat {
  if (text === undefined || text === "" || text === "csv") return "csv";
  if (text === "ndjson") return "ndjson";
  throw badRequest('Invalid format: "csv" or "ndjson".', {
    format: { code: "validation_invalid_value", message: 'Must be "csv" or "ndjson".' },
  });
}

const PAGE = 1000;

export interface ExportDeps {
  store: Store;
  records: RecordActions;
  registry: CollectionRegistry;
}

/**
 * The columns of a CSV export: the fields a list shows (hidden ones never, passwords never), in
 * the collection's order. A value a list leaves out for this requester (e.g. another user's email
 * when emailVisibility is off) is an empty cell.
 */
export function exportColumns(collection: Collection): string[] {
  return collection.fields.filter((f) => !f.hidden && f.type !== "password").map((f) => f.name);
}

/**
 * A collection's records as CSV (a header line first) or NDJSON, in pieces of up to 1,000 rows,
 * through the requester's list rule and `filter`, each record as a list would show it. Pages are
 * read by id (keyset), so memory is one page whatever the collection's size. The first piece is
 * produced before anything is sent, so a bad filter or a refused rule is still a clean 4xx.
 */
export async function* exportRecords(
  deps: ExportDeps,
  collection: Collection,
  ctx: RequestContext,
  /** `search`: a full-text query ANDed with the filter, as a list's `?search=`. */
  opts: { format: ExportFormat; filter: string; search?: string },
  onProgress?: (rows: number) => void,
): AsyncGenerator<string> {
  const { records } = deps;
  if (opts.filter.length > MAX_FILTER_LENGTH)
    throw badRequest(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  const access = accessFor(collection, "list", ctx);
  const scope = records.query.scope(collection, requestInfo(ctx));
  const parts = [];
  if (opts.filter.trim() !== "") parts.push(records.query.filterSql(opts.filter, scope));
  if (opts.search) {
    if (opts.search.length > MAX_SEARCH_LENGTH)
      throw badRequest(`The search is longer than ${MAX_SEARCH_LENGTH} characters.`);
    parts.push(records.query.searchSql(opts.search, scope));
  }
  if (access.kind === "filter") parts.push(records.query.where([access.rule], scope));
  const where = records.query.and(parts);
  const columns = exportColumns(collection);
  const noExpand = parseExpand("");
  if (opts.format === "csv") yield csvLine(columns);
  let after = "";
  let total = 0;
  for (;;) {
    const page = await recordsAfter(deps.store, collection, where, after, PAGE);
    if (page.length === 0) break;
    const items = await serializeWithExpand(
      { registry: deps.registry, query: records.query },
      collection,
      page,
      noExpand,
      ctx,
    );
    yield opts.format === "csv"
      ? items.map((item) => csvLine(columns.map((c) => cellOf(item[c])))).join("")
      : items.map((item) => `${JSON.stringify(item)}\n`).join("");
    total += page.length;
    onProgress?.(total);
    if (page.length < PAGE) break;
    after = (page[page.length - 1] as { id: string }).id;
  }
}
