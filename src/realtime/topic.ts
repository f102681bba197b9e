import { badRequest } from "../errors/api-error.js";
import { parseExpand } from "../records/expand.js";
import { parseFields } from "../records/fields-projection.js";
import { type Expr, parseFilter } from "../rules/index.js";

/**
 * One subscription as a client sent it: `COLLECTION/*` or `COLLECTION/RECORD_ID`, optionally with
 * `?options=<url-encoded JSON {"query":{…},"headers":{…}}>` (what the SDK sends for `subscribe(…,
 * {filter, expand, fields, headers})`). Events are named by the raw string, which is how the SDK
 * routes them to the right callback. Other topics are accepted and never receive record events.
 */
export interface Topic {
  raw: string;
  /** Collection id or name, lower-cased; "" for topics that are not record topics. */
  collectionKey: string;
  /** `*` or a record id. */
  recordId: string;
  /** `@request.query.*` for the rules, and the `filter`/`expand`/`fields` options. */
  query: Record<string, string>;
  /** `@request.headers.*`, named as rules see them (lower-case, `-` → `_`). */
  headers: Record<string, string>;
  filterText: string;
  filter: Expr | undefined;
  expandText: string;
  expand: ReturnType<typeof parseExpand>;
  fieldsText: string;
  fields: ReturnType<typeof parseFields>;
}

/** Parses a subscription string; throws 400 for malformed options, filters, expands or fields. */
export function parseTopic(raw: string, maxLength: number): Topic {
  if (raw.length === 0 || raw.length > maxLength)
    throw badRequest(`Subscriptions must be 1 to ${maxLength} characters long.`);
  // The name is written into SSE frames: a line break would let a client forge frames.
  if (/[\r\n\0]/.test(raw)) throw badRequest("Subscriptions must not contain line breaks.");
  const q = raw.indexOf("?");
  const base = q < 0 ? raw : raw.slice(0, q);
  const options = q < 0 ? {} : parseOptions(new URLSearchParams(raw.slice(q + 1)).get("options"));
  const query = stringMap(options.query, (k) => k);
  const headers = stringMap(options.headers, (k) => k.toLowerCase().replaceAll("-", "_"));
  const slash = base.indexOf("/");
  const collectionKey = slash > 0 ? base.slice(0, slash).toLowerCase() : "";
  const recordId = slash > 0 ? base.slice(slash + 1) : "";
  const filterText = query.filter ?? "";
  const expandText = query.expand ?? "";
  const fieldsText = query.fields ?? "";
  return {
    raw,
    collectionKey: recordId === "" ? "" : collectionKey,
    recordId,
    query,
    headers,
    filterText,
    filter: filterText.trim() === "" ? undefined : parseFilter(filterText),
    expandText,
    expand: parseExpand(expandText),
    fieldsText,
    fields: parseFields(fieldsText),
  };
}

function parseOptions(text: string | null): { query?: unknown; headers?: unknown } {
  if (text === null || text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest("Invalid subscription options: expected JSON.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw badRequest("Invalid subscription options: expected a JSON object.");
  return parsed as { query?: unknown; headers?: unknown };
}

/** An options object as strings (numbers and booleans as text; null/undefined dropped). */
function stringMap(value: unknown, name: (key: string) => string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[name(k)] = typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}
