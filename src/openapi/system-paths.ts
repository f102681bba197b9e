import type { JsonSchema } from "../collections/fields/index.js";
import { ANY_REQUESTER, errorRefs, SIGNED_IN } from "./shared-components.js";

/**
 * The APIs that are not about one collection's records, described by hand (their shapes are
 * fixed, not derived from collections). `client` ones (health, realtime, files, batch, changes,
 * this document) are for apps, so every document lists them; `admin` ones only superusers can
 * call, so only their document lists them.
 */
interface SystemOperation {
  method: "get" | "post" | "patch" | "put" | "delete";
  path: string;
  tag: string;
  summary: string;
  /** A JSON body's schema; "multipart" for an upload; absent: no body. */
  body?: JsonSchema | "multipart";
  /** The answer's schema; 204 for none; absent: a JSON object. */
  answer?: JsonSchema | 204;
  /** Query parameters, as name → description. */
  query?: Record<string, string>;
}

const OBJECT: JsonSchema = { type: "object" };
const LIST: JsonSchema = {
  type: "object",
  required: ["page", "perPage", "items"],
  properties: {
    page: { type: "integer" },
    perPage: { type: "integer" },
    totalItems: { type: "integer" },
    totalPages: { type: "integer" },
    items: { type: "array", items: OBJECT },
  },
};
const LIST_QUERY = {
  page: "The page, from 1.",
  perPage: "Items per page.",
  sort: "Sort terms.",
  filter: "A filter expression.",
};

const CLIENT: SystemOperation[] = [
  {
    method: "get",
    path: "/api/health",
    tag: "health",
    summary: "Whether the server is up (`?ready=1`: ready for traffic, else 503)",
    query: { ready: "Ask for readiness (store, migrations, event dispatch) instead of liveness." },
    answer: {
      type: "object",
      required: ["message"],
      properties: { code: { type: "integer" }, message: { type: "string" }, data: OBJECT },
    },
  },
  {
    method: "get",
    path: "/api/realtime",
    tag: "realtime",
    summary: "Open a Server-Sent Events stream (first event PB_CONNECT with the clientId)",
    answer: { type: "string", contentMediaType: "text/event-stream" },
  },
  {
    method: "post",
    path: "/api/realtime",
    tag: "realtime",
    summary: "Set a realtime client's subscriptions (`posts/*`, `posts/RECORD_ID`)",
    body: {
      type: "object",
      required: ["clientId", "subscriptions"],
      properties: {
        clientId: { type: "string" },
        subscriptions: { type: "array", items: { type: "string" } },
      },
    },
    answer: 204,
  },
  {
    method: "post",
    path: "/api/files/token",
    tag: "files",
    summary: "A short-lived token for protected files (`?token=` on downloads)",
    answer: { type: "object", required: ["token"], properties: { token: { type: "string" } } },
  },
  {
    method: "get",
    path: "/api/files/{collection}/{recordId}/{filename}",
    tag: "files",
    summary: "Download a record's file (Range, ETag; `thumb=WxH` for images)",
    query: {
      thumb: "A thumbnail size the field lists, e.g. 100x100.",
      download: "1 to download.",
      token: "For protected files.",
    },
    answer: { type: "string", contentMediaType: "application/octet-stream" },
  },
  {
    method: "post",
    path: "/api/batch",
    tag: "batch",
    summary: "Several record writes in one transaction",
    body: {
      type: "object",
      required: ["requests"],
      properties: {
        requests: {
          type: "array",
          items: {
            type: "object",
            required: ["method", "url"],
            properties: {
              method: { type: "string", enum: ["POST", "PUT", "PATCH", "DELETE"] },
              url: { type: "string" },
              body: OBJECT,
              headers: OBJECT,
            },
          },
        },
      },
    },
    answer: {
      type: "array",
      items: { type: "object", properties: { status: { type: "integer" }, body: {} } },
    },
  },
  {
    method: "get",
    path: "/api/changes",
    tag: "changes",
    summary: "Changes to several collections after a cursor (offline sync)",
    query: {
      collections: "Names or ids, comma-separated (at most 50).",
      since: "The cursor of the last page.",
      perPage: "Outbox rows read (at most 1000).",
    },
    answer: {
      type: "object",
      required: ["items", "cursor", "hasMore"],
      properties: {
        items: { type: "array", items: OBJECT },
        cursor: { type: "string" },
        hasMore: { type: "boolean" },
      },
    },
  },
  { method: "get", path: "/api/openapi.json", tag: "openapi", summary: "This document, as JSON" },
  {
    method: "get",
    path: "/api/openapi.yaml",
    tag: "openapi",
    summary: "This document, as YAML",
    answer: { type: "string", contentMediaType: "application/yaml" },
  },
];

const crud = (path: string, tag: string, what: string): SystemOperation[] => [
  { method: "get", path, tag, summary: `List ${what}`, query: LIST_QUERY, answer: LIST },
  { method: "post", path, tag, summary: `Create ${what}`, body: OBJECT },
  { method: "get", path: `${path}/{id}`, tag, summary: `View one of ${what}` },
  { method: "patch", path: `${path}/{id}`, tag, summary: `Update one of ${what}`, body: OBJECT },
  { method: "delete", path: `${path}/{id}`, tag, summary: `Delete one of ${what}`, answer: 204 },
];

const ADMIN: SystemOperation[] = [
  {
    method: "get",
    path: "/api/collections",
    tag: "collections",
    summary: "List collections",
    query: LIST_QUERY,
    answer: LIST,
  },
  {
    method: "post",
    path: "/api/collections",
    tag: "collections",
    summary: "Create a collection",
    body: OBJECT,
  },
  { method: "get", path: "/api/collections/{collection}", tag: "collections", summary: "View a collection" },
  {
    method: "patch",
    path: "/api/collections/{collection}",
    tag: "collections",
    summary: "Update a collection",
    body: OBJECT,
  },
  {
    method: "delete",
    path: "/api/collections/{collection}",
    tag: "collections",
    summary: "Delete a collection",
    answer: 204,
  },
  {
    method: "delete",
    path: "/api/collections/{collection}/truncate",
    tag: "collections",
    summary: "Delete every record of a collection",
    answer: 204,
  },
  {
    method: "put",
    path: "/api/collections/import",
    tag: "collections",
    summary: "Replace or merge collections",
    body: OBJECT,
    answer: 204,
  },
  {
    method: "get",
    path: "/api/collections/meta/scaffolds",
    tag: "collections",
    summary: "New collections' defaults per type",
  },
  {
    method: "get",
    path: "/api/collections/meta/oauth2-providers",
    tag: "collections",
    summary: "The OAuth2 providers Backroom signs in with",
    answer: { type: "array", items: OBJECT },
  },
  {
    method: "post",
    path: "/api/collections/meta/dry-run-view",
    tag: "collections",
    summary: "The first rows of a view query (rolled back)",
    body: { type: "object", required: ["query"], properties: { query: { type: "string", maxLength: 5000 } } },
  },
  {
    method: "get",
    path: "/api/collections/{collection}/export",
    tag: "collections",
    summary: "Stream records as CSV or NDJSON",
    query: { format: "csv or ndjson.", filter: "A filter expression." },
    answer: { type: "string" },
  },
  {
    method: "post",
    path: "/api/collections/{collection}/import",
    tag: "collections",
    summary: "Import records from CSV or NDJSON",
    body: "multipart",
  },
  { method: "get", path: "/api/settings", tag: "settings", summary: "The settings (secrets masked)" },
  {
    method: "patch",
    path: "/api/settings",
    tag: "settings",
    summary: "Change settings (sections merged)",
    body: OBJECT,
  },
  {
    method: "post",
    path: "/api/settings/test/email",
    tag: "settings",
    summary: "Send a test email",
    body: OBJECT,
    answer: 204,
  },
  {
    method: "post",
    path: "/api/settings/test/s3",
    tag: "settings",
    summary: "Check the S3 settings",
    body: OBJECT,
    answer: 204,
  },
  { method: "get", path: "/api/logs", tag: "logs", summary: "Request logs", query: LIST_QUERY, answer: LIST },
  {
    method: "get",
    path: "/api/logs/stats",
    tag: "logs",
    summary: "Requests per hour",
    query: { filter: "A filter expression." },
    answer: { type: "array", items: OBJECT },
  },
  { method: "get", path: "/api/logs/{id}", tag: "logs", summary: "One request log" },
  {
    method: "get",
    path: "/api/backups",
    tag: "backups",
    summary: "List backups",
    answer: { type: "array", items: OBJECT },
  },
  {
    method: "post",
    path: "/api/backups",
    tag: "backups",
    summary: "Make a backup",
    body: { type: "object", properties: { name: { type: "string" } } },
    answer: 204,
  },
  {
    method: "post",
    path: "/api/backups/upload",
    tag: "backups",
    summary: "Upload a backup",
    body: "multipart",
    answer: 204,
  },
  {
    method: "get",
    path: "/api/backups/{key}",
    tag: "backups",
    summary: "Download a backup",
    query: { token: "A file token." },
    answer: { type: "string", contentMediaType: "application/zip" },
  },
  { method: "delete", path: "/api/backups/{key}", tag: "backups", summary: "Delete a backup", answer: 204 },
  {
    method: "post",
    path: "/api/backups/{key}/restore",
    tag: "backups",
    summary: "Restore a backup",
    answer: 204,
  },
  {
    method: "get",
    path: "/api/crons",
    tag: "crons",
    summary: "The scheduled jobs",
    answer: { type: "array", items: OBJECT },
  },
  { method: "post", path: "/api/crons/{id}", tag: "crons", summary: "Run a scheduled job now", answer: 204 },
  {
    method: "get",
    path: "/api/jobs",
    tag: "jobs",
    summary: "The durable job queue",
    query: LIST_QUERY,
    answer: LIST,
  },
  { method: "get", path: "/api/jobs/{id}", tag: "jobs", summary: "One job" },
  { method: "post", path: "/api/jobs/{id}/retry", tag: "jobs", summary: "Retry a failed job" },
  { method: "post", path: "/api/jobs/{id}/cancel", tag: "jobs", summary: "Cancel a waiting job" },
  ...crud("/api/webhooks", "webhooks", "webhooks"),
  {
    method: "get",
    path: "/api/webhooks/{id}/deliveries",
    tag: "webhooks",
    summary: "A webhook's deliveries",
    query: LIST_QUERY,
    answer: LIST,
  },
  {
    method: "get",
    path: "/api/keys",
    tag: "keys",
    summary: "List API keys",
    answer: { type: "array", items: OBJECT },
  },
  {
    method: "post",
    path: "/api/keys",
    tag: "keys",
    summary: "Create an API key (the secret is shown once)",
    body: {
      type: "object",
      required: ["name", "scopes"],
      properties: { name: { type: "string" }, scopes: { type: "array" } },
    },
  },
  { method: "delete", path: "/api/keys/{id}", tag: "keys", summary: "Revoke an API key", answer: 204 },
  {
    method: "get",
    path: "/api/audit",
    tag: "audit",
    summary: "The audit log, newest first",
    query: LIST_QUERY,
    answer: LIST,
  },
  {
    method: "post",
    path: "/api/sql",
    tag: "sql",
    summary: "Run a read-only SQL query",
    body: { type: "object", required: ["query"], properties: { query: { type: "string" } } },
  },
  {
    method: "get",
    path: "/api/metrics",
    tag: "metrics",
    summary: "Prometheus metrics",
    answer: { type: "string", contentMediaType: "text/plain" },
  },
];

const content = (schema: JsonSchema): JsonSchema =>
  typeof schema["contentMediaType"] === "string"
    ? { [schema["contentMediaType"]]: { schema: { type: "string" } } }
    : { "application/json": { schema } };

function operation(o: SystemOperation, admin: boolean, id: string): JsonSchema {
  const pathParams = [...o.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const queryParams = Object.entries(o.query ?? {}).map(([name, description]) => ({
    name,
    in: "query",
    required: false,
    description,
    schema: { type: "string" },
  }));
  const parameters = [...pathParams, ...queryParams];
  const answer = o.answer ?? OBJECT;
  const ok =
    answer === 204
      ? { "204": { description: "Done." } }
      : { "200": { description: "The answer.", content: content(answer) } };
  const body =
    o.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content:
              o.body === "multipart"
                ? {
                    "multipart/form-data": {
                      schema: {
                        type: "object",
                        properties: {
                          file: { type: "string", contentMediaType: "application/octet-stream" },
                        },
                      },
                    },
                  }
                : { "application/json": { schema: o.body } },
          },
        };
  return {
    operationId: id,
    tags: [o.tag],
    summary: o.summary,
    security: admin ? SIGNED_IN : ANY_REQUESTER,
    ...(parameters.length ? { parameters } : {}),
    ...body,
    responses: { ...ok, ...(admin ? errorRefs(400, 401, 403) : errorRefs(400)) },
  };
}

const operationId = (o: SystemOperation): string =>
  `system_${o.method}_${o.path
    .replace(/^\/api\//, "")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/_+$/, "")}`;

/** The system APIs a document lists: the client ones always, the admin ones for superusers. */
export function systemPaths(superuser: boolean): Record<string, Record<string, JsonSchema>> {
  const out: Record<string, Record<string, JsonSchema>> = {};
  const add = (o: SystemOperation, admin: boolean) => {
    out[o.path] ??= {};
    (out[o.path] as Record<string, JsonSchema>)[o.method] = operation(o, admin, operationId(o));
  };
  for (const o of CLIENT) add(o, false);
  if (superuser) for (const o of ADMIN) add(o, true);
  return out;
}
