import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { notFound } from "../../errors/api-error.js";
import { invalidJson } from "../../errors/invalid-json.js";
import { eventErrors } from "../../hooks/event-errors.js";
import { type HookEntry, runChain } from "../../hooks/hook-chain.js";
import { hookAuth, hookRequest } from "../../hooks/hook-context.js";
import type { HookRuntime } from "../../hooks/hook-runtime.js";
import type { RouteEvent } from "../../hooks/types.js";
import { checkJsonShape } from "../plugins/json-body.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";

interface Outcome {
  status: number;
  body?: unknown;
  type?: string;
  headers: Record<string, string>;
}

/**
 * Serves the routes hooks add with `routerAdd`. Fastify can't add routes once it listens, and
 * --dev swaps hooks at any time, so one catch-all route looks the path up in the current hooks;
 * Backroom's own routes are more specific and always win. What no hook route takes goes to
 * `fallback` (the public folder), as PocketBase's own routes win over `pb_public`.
 */
export async function customRoutes(
  app: FastifyInstance,
  services: Services,
  hooks: HookRuntime,
  /** Asked when no hook route matches (the public folder); true when it answered. */
  fallback: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean> = async () => false,
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
    if (!route || !pathValues) {
      if (await fallback(request, reply)) return reply;
      throw notFound();
    }
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
      blob: (status, contentType, body) =>
        Object.assign(outcome, {
          status,
          body: typeof body === "string" ? body : Buffer.from(body),
          type: contentType,
        }),
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
    // A content type the handler set with e.header() wins over the helper's default (as in
    // PocketBase, whose helpers only fill it in when it is empty).
    if (outcome.type && outcome.headers["content-type"] === undefined) reply.type(outcome.type);
    return reply.send(outcome.body === undefined ? undefined : (outcome.body as object));
  }
}

/** JSON and form bodies parsed (with the API's usual checks); anything else only as raw bytes. */
function parseBody(contentType: string | undefined, raw: Buffer | undefined, maxDepth: number): unknown {
  if (!raw || raw.length === 0) return undefined;
  const type = (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase();
  if (type === "application/json" || type?.endsWith("+json")) {
    const text = raw.toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw invalidJson("The request body", text);
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
