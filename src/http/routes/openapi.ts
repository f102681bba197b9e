import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { openApiViewer } from "../../openapi/access.js";
import { DOCS_CSP, DOCS_HTML, DOCS_SCRIPT } from "../../openapi/docs-page.js";
import { OpenApiDocuments } from "../../openapi/document-cache.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

/** Resolved on first use: a server that never serves the page never looks for the package. */
let scalarPath: string | undefined;
const scalarBundle = () =>
  (scalarPath ??= createRequire(import.meta.url).resolve("@scalar/api-reference/browser/standalone.js"));

/**
 * GET /api/openapi.json and /api/openapi.yaml: the OpenAPI 3.1 document as the requester may use
 * it (settings.openapi decides whether it is served, and whether guests may read it).
 * GET /api/docs: a reference page rendering it (Scalar, served from here).
 */
export function openApiRoutes(app: FastifyInstance, services: Services): void {
  const documents = new OpenApiDocuments(services.registry);
  const viewerOf = async (req: FastifyRequest) => {
    const settings = services.settings.peek() ?? (await services.settings.get());
    return { viewer: openApiViewer(await contextOf(req, services), settings), title: settings.meta.appName };
  };
  const enabled = async () => (services.settings.peek() ?? (await services.settings.get())).openapi.enabled;

  app.get("/api/openapi.json", async (req, reply) => {
    const { viewer, title } = await viewerOf(req);
    reply.header("cache-control", "no-store").type("application/json; charset=utf-8");
    return reply.send(documents.json(viewer, title));
  });
  app.get("/api/openapi.yaml", async (req, reply) => {
    const { viewer, title } = await viewerOf(req);
    reply.header("cache-control", "no-store").type("application/yaml; charset=utf-8");
    return reply.send(await documents.yaml(viewer, title));
  });

  // The page itself holds nothing private: its script fetches the document with the visitor's token.
  app.get("/api/docs", async (_req, reply) => {
    if (!(await enabled())) return reply.callNotFound();
    reply.header("content-security-policy", DOCS_CSP).header("cache-control", "no-cache");
    return reply.type("text/html; charset=utf-8").send(DOCS_HTML);
  });
  app.get("/api/docs/start.js", async (_req, reply) => {
    if (!(await enabled())) return reply.callNotFound();
    return reply.type("text/javascript; charset=utf-8").header("cache-control", "no-cache").send(DOCS_SCRIPT);
  });
  app.get("/api/docs/scalar.js", async (_req, reply) => {
    if (!(await enabled())) return reply.callNotFound();
    reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=3600");
    return reply.send(createReadStream(scalarBundle()));
  });
}
