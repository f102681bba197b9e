import type { JsonSchema } from "../collections/fields/index.js";

/**
 * The parts every document shares: the error shape, the list query parameters, the security
 * schemes. Referenced from operations as `#/components/...`.
 */

export const ref = (kind: "schemas" | "parameters" | "responses", name: string): JsonSchema => ({
  $ref: `#/components/${kind}/${name}`,
});

const ERROR_EXAMPLE = {
  status: 400,
  message: "Failed to create record.",
  data: { title: { code: "validation_required", message: "Missing required value." } },
};

const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  description:
    "Every error, whatever the endpoint: the HTTP status, a message for people, and per input field (nested for nested input) a code and a message. `data` is `{}` when no field is at fault. Never a stack trace.",
  required: ["status", "message", "data"],
  properties: {
    status: { type: "integer", minimum: 400, maximum: 599 },
    message: { type: "string" },
    data: { type: "object", additionalProperties: { $ref: "#/components/schemas/ErrorDetail" } },
  },
  examples: [ERROR_EXAMPLE],
};

const ERROR_DETAIL: JsonSchema = {
  description: "A field's issue, or the issues of a nested input's fields by name.",
  anyOf: [
    {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, params: { type: "object" } },
    },
    { type: "object", additionalProperties: { $ref: "#/components/schemas/ErrorDetail" } },
  ],
};

const errorResponse = (description: string, example: JsonSchema): JsonSchema => ({
  description,
  content: { "application/json": { schema: ref("schemas", "Error"), example } },
});

export const ERROR_RESPONSES = {
  BadRequest: errorResponse("Invalid input: `data` names each field at fault.", ERROR_EXAMPLE),
  Unauthorized: errorResponse("The request needs a valid token.", {
    status: 401,
    message: "The request requires valid authorization token.",
    data: {},
  }),
  Forbidden: errorResponse("The requester may not do this.", {
    status: 403,
    message: "Only superusers can perform this action.",
    data: {},
  }),
  NotFound: errorResponse("No such resource, or the rule hides it from the requester.", {
    status: 404,
    message: "The requested resource wasn't found.",
    data: {},
  }),
  TooManyRequests: errorResponse("A rate limit was reached; try again later.", {
    status: 429,
    message: "Too Many Requests.",
    data: {},
  }),
};

/** The usual error answers of an operation: each a reference to a shared response. */
export function errorRefs(...statuses: (400 | 401 | 403 | 404)[]): Record<string, JsonSchema> {
  const names = { 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound" } as const;
  const out: Record<string, JsonSchema> = {};
  for (const status of statuses) out[String(status)] = ref("responses", names[status]);
  out["429"] = ref("responses", "TooManyRequests");
  return out;
}

const query = (name: string, description: string, schema: JsonSchema, example?: unknown): JsonSchema => ({
  name,
  in: "query",
  required: false,
  description,
  schema,
  ...(example === undefined ? {} : { example }),
});

export const PARAMETERS: Record<string, JsonSchema> = {
  page: query("page", "The page to return, from 1.", { type: "integer", minimum: 1, default: 1 }),
  perPage: query("perPage", "Records per page.", { type: "integer", minimum: 1, maximum: 1000, default: 30 }),
  sort: query(
    "sort",
    "Comma-separated fields, `-` for descending; `@random`, `@rowid`. At most 8 terms.",
    { type: "string" },
    "-created,id",
  ),
  filter: query(
    "filter",
    "A filter in the rule language (`title ~ 'abc' && created > '2024-01-01'`), at most 3500 characters. Combined with the collection's list rule.",
    { type: "string", maxLength: 3500 },
    "created > '2024-01-01 00:00:00'",
  ),
  expand: query(
    "expand",
    "Relations to expand, comma-separated, dotted for nested ones (6 levels); back-relations as `<collection>_via_<field>`.",
    { type: "string" },
  ),
  fields: query(
    "fields",
    "The keys to return, comma-separated (`*` for all, `expand.rel.name`, `body:excerpt(200,true)`). Absent: every key the requester may see.",
    { type: "string" },
  ),
  skipTotal: query("skipTotal", "Skip counting: `totalItems` and `totalPages` are then -1.", {
    type: "boolean",
  }),
};

export const LIST_PARAMETERS = ["page", "perPage", "sort", "filter", "expand", "fields", "skipTotal"].map(
  (name) => ref("parameters", name),
);
export const RECORD_PARAMETERS = ["expand", "fields"].map((name) => ref("parameters", name));

export const SECURITY_SCHEMES: Record<string, JsonSchema> = {
  userToken: {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description:
      "The `token` an auth-with-* endpoint answered, as is (as the PocketBase SDK sends it) or after `Bearer `. It identifies a record of an auth collection (or a superuser) for the collection rules.",
  },
  apiKey: {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description:
      "An API key created at /api/keys (superusers), in the same header: the operations its scopes name, on every row.",
  },
};

/** Either credential, or none: the collection rules decide what each requester gets. */
export const ANY_REQUESTER = [{}, { userToken: [] }, { apiKey: [] }];
/** Operations that need a signed-in requester. */
export const SIGNED_IN = [{ userToken: [] }];

export const SHARED_SCHEMAS: Record<string, JsonSchema> = {
  Error: ERROR_SCHEMA,
  ErrorDetail: ERROR_DETAIL,
};
