import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { badRequest, notFound } from "../errors/api-error.js";
import { checkJsonShape } from "../http/plugins/json-body.js";
import { contextOf } from "../http/request-context.js";
import type { Services } from "../http/services.js";
import { eventErrors } from "./event-errors.js";
import { type HookEntry, runChain } from "./hook-chain.js";
import { hookAuth, hookRequest } from "./hook-context.js";
import type { HookRuntime } from "./hook-runtime.js";
import type { RouteEvent } from "./types.js";

interface Outcome {
  status: number;
  body?: unknown;
  type?: string;
  headers: Record<string, string>;
}

/**
 * Serves the routes hooks add with `routerAdd`. Fastify can't add routes once it listens, and
 * --dev swaps hooks at any time, so one catch-all route looks the path up in the current hooks;
 * Backroom's own routes are more specific and always win.
 */
export async function customRoutes(
  app: FastifyInstance,
  services: Services,
  hooks: HookRuntime,
): Promise<void> {
  await app.register(async (scope) => {
    // Custom routes see the body's raw bytes too (webhook signatures are computed over them).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    // OPTIONS stays with CORS preflight handling; HEAD comes with GET.
    scope.route({
      method: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      url: "/*",
      handler: (request, reply) => serve(request, reply),
    });
  });

  async function serve(request: FastifyRequest, reply: FastifyReply) {
    const pathname = request.url.split("?", 1)[0] ?? "/";
    const method = request.method === "HEAD" ? "GET" : request.method;
    let pathValues: Record<string, string> | null = null;
    const route = hooks.registry.routes.find((r) => {
      if (r.method !== "*" && r.method !== method) return false;
      pathValues = r.path.match(pathname);
      return pathValues !== null;
    });
    if (!route || !pathValues) throw notFound();
    const ctx = await contextOf(request, services);
    const rawBody = Buffer.isBuffer(request.body) ? request.body : undefined;
    const hookReq = {
      ...hookRequest(
        ctx,
        parseBody(request.headers["content-type"], rawBody, services.config.jsonMaxDepth),
        pathValues,
      ),
      ...(rawBody ? { rawBody } : {}),
    };
    const outcome: Outcome = { status: 204, headers: {} };
    const event: RouteEvent = {
      ...eventErrors,
      app: hooks.dataApp(),
      request: hookReq,
      auth: hookAuth(ctx),
      next: async () => {},
      json: (status, body) =>
        Object.assign(outcome, {
          status,
          body: JSON.stringify(body),
          type: "application/json; charset=utf-8",
        }),
      string: (status, text) =>
        Object.assign(outcome, { status, body: text, type: "text/plain; charset=utf-8" }),
      html: (status, html) =>
        Object.assign(outcome, { status, body: html, type: "text/html; charset=utf-8" }),
      noContent: (status = 204) => Object.assign(outcome, { status, body: undefined, type: undefined }),
      redirect: (status, url) => {
        outcome.status = status;
        outcome.headers.location = url;
      },
      header: (name, value) => {
        outcome.headers[name.toLowerCase()] = value;
      },
    };
    const chain: HookEntry<RouteEvent>[] = [
      ...route.middlewares.map((fn, i) => ({
        fn,
        label: `${route.label} (middleware ${i + 1})`,
        collections: [],
      })),
      { fn: route.handler, label: route.label, collections: [] },
    ];
    await runChain(chain, event, async () => {}, hooks.timeoutMs);
    reply.code(outcome.status).headers(outcome.headers);
    if (outcome.type) reply.type(outcome.type);
    return reply.send(outcome.body === undefined ? undefined : (outcome.body as object));
  }
}

/** JSON and form bodies parsed (with the API's usual checks); anything else only as raw bytes. */
function parseBody(contentType: string | undefined, raw: Buffer | undefined, maxDepth: number): unknown {
  if (!raw || raw.length === 0) return undefined;
  const type = (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase();
  if (type === "application/json" || type?.endsWith("+json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw badRequest("The request body is not valid JSON.");
    }
    checkJsonShape(parsed, maxDepth);
    return parsed;
  }
  if (type === "application/x-www-form-urlencoded") {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of new URLSearchParams(raw.toString("utf8"))) out[k] = v;
    return out;
  }
  if (type?.startsWith("text/")) return raw.toString("utf8");
  return undefined;
}
