import type { JsonSchema } from "../collections/fields/index.js";
import type { Collection } from "../collections/model.js";
import { typeBaseNames } from "../typegen/type-names.js";
import { AUTH_METHODS_SCHEMA, authPaths, authResponseSchema } from "./auth-paths.js";
import { changesSchema, listSchema, recordPaths } from "./record-paths.js";
import { hasFiles, inputSchema, multipartSchema, readSchema } from "./record-schemas.js";
import { ERROR_RESPONSES, PARAMETERS, SECURITY_SCHEMES, SHARED_SCHEMAS } from "./shared-components.js";
import { systemPaths } from "./system-paths.js";
import { canCall, seesCollection, type Viewer } from "./viewer.js";

export interface DocumentInfo {
  /** The app's name (settings.meta.appName). */
  title: string;
  /** The catalogue version the document was made from. */
  version: string;
}

/**
 * The OpenAPI 3.1 document of the API as `viewer` may use it: every collection it could call
 * (records endpoints, and sign-in for auth collections), the APIs for apps (health, realtime,
 * files, batch, changes) and, for superusers, the admin APIs. Deterministic for one catalogue,
 * so it is cached per catalogue version and viewer.
 */
export function buildOpenApiDocument(
  collections: Collection[],
  viewer: Viewer,
  info: DocumentInfo,
): JsonSchema {
  const superuser = viewer.kind === "superuser";
  const visible = collections
    .filter((c) => seesCollection(viewer, c))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const byId = new Map(visible.map((c) => [c.id, c]));
  const baseNames = typeBaseNames(visible);
  const base = (c: Collection) => baseNames.get(c.id) as string;
  const names = { base, listed: (id: string) => byId.get(id) };

  const schemas: Record<string, JsonSchema> = { ...SHARED_SCHEMAS };
  let paths: Record<string, Record<string, unknown>> = {};
  const tags: JsonSchema[] = [];
  let authSchemas = false;
  for (const c of visible) {
    const b = base(c);
    tags.push({ name: c.name, description: `Records of the ${c.type} collection "${c.name}".` });
    schemas[`${b}Record`] = readSchema(c, names);
    if (canCall(viewer, c, "list")) schemas[`${b}List`] = listSchema(b);
    if (canCall(viewer, c, "list") && c.type !== "view") schemas[`${b}Changes`] = changesSchema(b);
    for (const shape of ["create", "update"] as const) {
      if (!canCall(viewer, c, shape)) continue;
      const suffix = shape === "create" ? "Create" : "Update";
      schemas[`${b}${suffix}`] = inputSchema(c, shape);
      if (hasFiles(c)) schemas[`${b}${suffix}Form`] = multipartSchema(c, shape);
    }
    paths = { ...paths, ...recordPaths(c, b, viewer) };
    const auth = authPaths(c, b, viewer);
    if (Object.keys(auth).length) {
      schemas[`${b}AuthResponse`] = authResponseSchema(b);
      authSchemas = true;
      paths = { ...paths, ...auth };
    }
  }
  if (authSchemas) schemas["AuthMethods"] = AUTH_METHODS_SCHEMA;
  paths = { ...paths, ...systemPaths(superuser) };

  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    info: {
      title: `${info.title} API`,
      version: info.version || "0",
      description:
        "The PocketBase-compatible REST API of this Backroom server, generated from its collections as the requester may use them. Errors share one shape (`Error`). Send a user token or an API key in `Authorization`.",
    },
    servers: [{ url: "/" }],
    security: [{}, { userToken: [] }, { apiKey: [] }],
    tags,
    paths,
    components: {
      schemas,
      parameters: PARAMETERS,
      responses: ERROR_RESPONSES,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
