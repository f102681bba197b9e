import type { RecordActions } from "../api/record-actions.js";
import { isFileField } from "../collections/fields/file.js";
import { fieldType } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { ApiError, badRequest, type IssueMap } from "../errors/api-error.js";
import { accessFor } from "../records/access.js";
import type { RequestContext } from "../records/request-context.js";
import { csvRows, DEFAULT_MAX_ROW_CHARS, ndjsonRows, type ReadRow } from "./row-reader.js";

export type ImportFormat = "csv" | "ndjson";

export interface RejectedRow {
  line: number;
  message: string;
  data: IssueMap;
}

export interface ImportReport {
  /** Rows read (blank lines and the CSV header not counted). */
  total: number;
  imported: number;
  rejected: number;
  /** The first rejected rows (at most MAX_REPORTED), with the line each starts on. */
  errors: RejectedRow[];
  /** Columns (CSV) whose values are not imported: files, and fields the server sets. */
  ignoredColumns: string[];
}

export interface ImportOptions {
  format: ImportFormat;
  /** Rows per transaction. */
  batchSize?: number;
  maxRowChars?: number;
  /** JSON nesting allowed in NDJSON rows (the API's jsonMaxDepth). */
  maxDepth?: number;
  onProgress?: (report: ImportReport) => void;
}

const MAX_REPORTED = 1000;
const DEFAULT_BATCH = 500;
/** Keys a create takes that are no field (auth collections). */
const EXTRA_KEYS = new Set(["passwordConfirm"]);
/** Keys of the API's record shape that are no field: an exported NDJSON file imports as it is. */
const WIRE_KEYS = new Set(["collectionId", "collectionName", "expand"]);

/**
 * Creates records from a CSV or NDJSON stream, each row through the same path as
 * `POST /records` (the requester's create rule, validation, hooks). Rows go in batches, one
 * transaction each; when a batch fails, its rows are retried one transaction each, so a good row
 * is kept and a bad one leaves nothing behind. Rows that can't be read or don't validate are
 * reported with their line numbers; the rest of the file still goes in.
 */
export async function importRecords(
  records: RecordActions,
  collection: Collection,
  ctx: RequestContext,
  source: AsyncIterable<Uint8Array | string>,
  opts: ImportOptions,
): Promise<ImportReport> {
  if (collection.type === "view") throw new ApiError(400, "View collections are read-only.");
  // A requester who may never create here gets the 403 before a row is read.
  accessFor(collection, "create", ctx);
  const maxRowChars = opts.maxRowChars ?? DEFAULT_MAX_ROW_CHARS;
  const rows =
    opts.format === "csv" ? csvRows(source, maxRowChars) : ndjsonRows(source, maxRowChars, opts.maxDepth);
  const report: ImportReport = { total: 0, imported: 0, rejected: 0, errors: [], ignoredColumns: [] };
  const reject = (line: number, message: string, data: IssueMap = {}) => {
    report.rejected++;
    if (report.errors.length < MAX_REPORTED) report.errors.push({ line, message, data });
  };
  const fields = new Map(collection.fields.map((f) => [f.name, f]));
  let header: { columns: string[]; used: boolean[] } | undefined;
  let batch: { line: number; body: Record<string, unknown>; formKeys?: ReadonlySet<string> }[] = [];

  const flush = async () => {
    const rowsNow = batch;
    batch = [];
    if (rowsNow.length === 0) return;
    try {
      await records.transaction(async (tx) => {
        for (const row of rowsNow)
          await records.create(collection.id, row.body, ctx, { db: tx, ...formKeysOf(row) });
      });
      report.imported += rowsNow.length;
    } catch (err) {
      if (!isRowError(err)) throw err;
      for (const row of rowsNow) {
        try {
          await records.create(collection.id, row.body, ctx, formKeysOf(row));
          report.imported++;
        } catch (rowErr) {
          if (!isRowError(rowErr)) throw rowErr;
          reject(row.line, rowErr.message, rowErr.data);
        }
      }
    }
    opts.onProgress?.(report);
  };

  for await (const row of rows) {
    if (opts.format === "csv" && !header) {
      header = csvHeader(row, fields);
      report.ignoredColumns = header.columns.filter((_, i) => !header?.used[i]);
      continue;
    }
    report.total++;
    const body = bodyOf(row, header, fields);
    if ("error" in body) {
      reject(row.line, body.error, body.data);
      continue;
    }
    batch.push({ line: row.line, ...body });
    if (batch.length >= (opts.batchSize ?? DEFAULT_BATCH)) await flush();
  }
  if (opts.format === "csv" && !header) throw badRequest("The CSV file is empty: a header line is required.");
  await flush();
  // Rows refused while reading come before their batch's validation failures: report by line.
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

function formKeysOf(row: { formKeys?: ReadonlySet<string> }) {
  return row.formKeys ? { formKeys: row.formKeys } : {};
}

/** A create refused for this row (4xx); anything else (the database gone) stops the import. */
function isRowError(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 429;
}

/** The CSV header: every column must name a field; files and server-set fields are read but not imported. */
function csvHeader(row: ReadRow, fields: Map<string, Collection["fields"][number]>) {
  if (row.error || !row.fields)
    throw badRequest(`The CSV header (line ${row.line}) can't be read: ${row.error}`);
  const columns = row.fields.map((c) => c.trim());
  const unknown = columns.filter((c) => !fields.has(c) && !EXTRA_KEYS.has(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (unknown.length > 0 || repeated.length > 0 || columns.some((c) => c === ""))
    throw badRequest("The CSV header names columns the collection doesn't have; nothing was imported.", {
      columns: {
        code: "validation_unknown_columns",
        message: [
          unknown.length > 0 ? `Unknown: ${unknown.slice(0, 20).join(", ")}.` : "",
          repeated.length > 0 ? `Repeated: ${repeated.slice(0, 20).join(", ")}.` : "",
          columns.some((c) => c === "") ? "A column has no name." : "",
        ]
          .filter(Boolean)
          .join(" "),
      },
    });
  const used = columns.map((c) => {
    const field = fields.get(c);
    return !field || !(isFileField(field) || fieldType(field).serverSet);
  });
  return { columns, used };
}

function bodyOf(
  row: ReadRow,
  header: { columns: string[]; used: boolean[] } | undefined,
  fields: Map<string, unknown>,
): { body: Record<string, unknown>; formKeys?: ReadonlySet<string> } | { error: string; data?: IssueMap } {
  if (row.error) return { error: row.error };
  if (row.fields && header) {
    if (row.fields.length !== header.columns.length)
      return {
        error: `Expected ${header.columns.length} values (one per column), got ${row.fields.length}.`,
      };
    const body: Record<string, unknown> = {};
    header.columns.forEach((c, i) => {
      if (header.used[i]) body[c] = row.fields?.[i];
    });
    // CSV values are text, read as a form's are ("true", "12", JSON for lists).
    return { body, formKeys: new Set(Object.keys(body)) };
  }
  const object = { ...row.object };
  for (const key of WIRE_KEYS) delete object[key];
  const unknown = Object.keys(object).filter((k) => !fields.has(k) && !EXTRA_KEYS.has(k));
  if (unknown.length > 0)
    return {
      error: `Unknown fields: ${unknown.slice(0, 20).join(", ")}.`,
      data: Object.fromEntries(
        unknown.slice(0, 20).map((k) => [k, { code: "validation_unknown_field", message: "Unknown field." }]),
      ),
    };
  return { body: object };
}
