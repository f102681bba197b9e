import type { JsonSchema } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { hasFiles } from "./record-schemas.js";
import { ANY_REQUESTER, errorRefs, LIST_PARAMETERS, RECORD_PARAMETERS, ref } from "./shared-components.js";
import { canCall, type RecordOperation, ruleOf, type Viewer } from "./viewer.js";

type PathItem = Record<string, unknown>;

const ID_PARAMETER: JsonSchema = {
  name: "id",
  in: "path",
  required: true,
  description: "The record's id.",
  schema: { type: "string" },
};

/** What a rule means for the requester, in words; the rule itself only for superusers. */
function ruleNote(c: Collection, op: RecordOperation, viewer: Viewer): string {
  const rule = ruleOf(c, op);
  if (viewer.kind === "apiKey") return "Allowed by the API key's scopes, on every row.";
  if (rule === null) return "Superusers only (the rule is locked).";
  if (rule === "") return "Anyone may call this.";
  return viewer.kind === "superuser"
    ? `Rule: \`${rule}\``
    : "A rule decides which records the requester may reach.";
}

function body(c: Collection, base: string, shape: "Create" | "Update"): JsonSchema {
  const content: Record<string, JsonSchema> = {
    "application/json": { schema: ref("schemas", `${base}${shape}`) },
  };
  if (hasFiles(c)) content["multipart/form-data"] = { schema: ref("schemas", `${base}${shape}Form`) };
  return { required: true, content };
}

const recordAnswer = (base: string, description: string): JsonSchema => ({
  description,
  content: { "application/json": { schema: ref("schemas", `${base}Record`) } },
});

/** The records endpoints of one collection the viewer could call, by path. */
export function recordPaths(c: Collection, base: string, viewer: Viewer): Record<string, PathItem> {
  const tag = c.name;
  const can = (op: RecordOperation) => canCall(viewer, c, op);
  const op = (name: RecordOperation, summary: string, rest: JsonSchema): JsonSchema => ({
    operationId: `${c.name}_${name}`,
    tags: [tag],
    summary,
    description: ruleNote(c, name, viewer),
    security: ANY_REQUESTER,
    ...rest,
  });
  const collection: PathItem = {};
  const one: PathItem = {};
  if (can("list"))
    collection["get"] = op("list", `List ${c.name} records`, {
      parameters: LIST_PARAMETERS,
      responses: {
        "200": {
          description: "A page of records.",
          content: { "application/json": { schema: ref("schemas", `${base}List`) } },
        },
        ...errorRefs(400, 403),
      },
    });
  if (can("create"))
    collection["post"] = op("create", `Create a ${c.name} record`, {
      parameters: RECORD_PARAMETERS,
      requestBody: body(c, base, "Create"),
      responses: { "200": recordAnswer(base, "The created record."), ...errorRefs(400, 403) },
    });
  if (can("view"))
    one["get"] = op("view", `View a ${c.name} record`, {
      parameters: RECORD_PARAMETERS,
      responses: { "200": recordAnswer(base, "The record."), ...errorRefs(403, 404) },
    });
  if (can("update"))
    one["patch"] = op("update", `Update a ${c.name} record`, {
      parameters: RECORD_PARAMETERS,
      requestBody: body(c, base, "Update"),
      responses: { "200": recordAnswer(base, "The updated record."), ...errorRefs(400, 403, 404) },
    });
  if (can("delete"))
    one["delete"] = op("delete", `Delete a ${c.name} record`, {
      responses: { "204": { description: "Deleted." }, ...errorRefs(400, 403, 404) },
    });
  const out: Record<string, PathItem> = {};
  const root = `/api/collections/${c.name}/records`;
  if (Object.keys(collection).length) out[root] = collection;
  if (can("list") && c.type !== "view")
    out[`/api/collections/${c.name}/changes`] = {
      get: {
        operationId: `${c.name}_changes`,
        tags: [tag],
        summary: `Changes to ${c.name} records after a cursor (offline sync)`,
        description: `${ruleNote(c, "list", viewer)} Records come as the list shows them now; records gone from the requester's view as tombstones.`,
        security: ANY_REQUESTER,
        parameters: [
          {
            name: "since",
            in: "query",
            required: false,
            description: "The cursor of the last page; absent: the current head.",
            schema: { type: "string" },
          },
          {
            name: "perPage",
            in: "query",
            required: false,
            description: "Outbox rows read (at most 1000).",
            schema: { type: "integer", minimum: 1, maximum: 1000, default: 100 },
          },
          ...RECORD_PARAMETERS,
        ],
        responses: {
          "200": {
            description: "A page of changes and the cursor to ask from next.",
            content: { "application/json": { schema: ref("schemas", `${base}Changes`) } },
          },
          "410": {
            description: "The cursor is older than the changes kept: list everything again.",
            content: { "application/json": { schema: ref("schemas", "Error") } },
          },
          ...errorRefs(400, 403),
        },
      },
    };
  if (Object.keys(one).length) out[`${root}/{id}`] = { parameters: [ID_PARAMETER], ...one };
  return out;
}

/** A page of records, as lists answer. */
export function listSchema(base: string): JsonSchema {
  return {
    type: "object",
    required: ["page", "perPage", "totalItems", "totalPages", "items"],
    properties: {
      page: { type: "integer", minimum: 1 },
      perPage: { type: "integer", minimum: 1 },
      totalItems: { type: "integer", minimum: -1, description: "-1 with `skipTotal`." },
      totalPages: { type: "integer", minimum: -1, description: "-1 with `skipTotal`." },
      items: { type: "array", items: ref("schemas", `${base}Record`) },
    },
  };
}

/** A page of the offline-sync feed: upserts carry the record, deletions a tombstone. */
export function changesSchema(base: string): JsonSchema {
  const common = {
    seq: { type: "integer" },
    collectionId: { type: "string" },
    collectionName: { type: "string" },
    id: { type: "string" },
  };
  const upsert = {
    type: "object",
    required: ["action", "id", "record"],
    properties: { action: { const: "upsert" }, ...common, record: ref("schemas", `${base}Record`) },
  };
  const tombstone = {
    type: "object",
    required: ["action", "id", "reason"],
    properties: {
      action: { const: "delete" },
      ...common,
      reason: { enum: ["deleted", "hidden"] },
      deleted: { type: "string" },
    },
  };
  return {
    type: "object",
    required: ["items", "cursor", "hasMore"],
    properties: {
      items: { type: "array", items: { oneOf: [upsert, tombstone] } },
      cursor: { type: "string" },
      hasMore: { type: "boolean" },
    },
  };
}
