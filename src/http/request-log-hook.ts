import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { dateAt } from "../ids.js";
import { levelForStatus, redactUrl } from "../logs/log-entry.js";
import { RequestLogWriter } from "../logs/request-log-writer.js";
import type { RequestContext } from "../records/request-context.js";
import { clientIp, normalizeIp } from "./client-ip.js";
import { knownContextOf } from "./request-context.js";
import { routeTemplate } from "./route-template.js";
import type { Services } from "./services.js";

/** API requests are logged; the admin UI's files and load balancers' health polls are not. */
export function isLoggedPath(url: string): boolean {
  if (!url.startsWith("/api/") && url !== "/api" && !url.startsWith("/api?")) return false;
  return !/^\/api\/health(?:[/?]|$)/.test(url);
}

/**
 * Records every API request in the request log (`_logs`) once its response is sent. The entry is
 * only queued here; the writer stores batches in the background and is flushed when the server
 * closes. Logging never fails or delays a request.
 */
export function registerRequestLog(app: FastifyInstance, services: Services): RequestLogWriter {
  const writer = new RequestLogWriter(
    services.store,
    () => services.settings.get(),
    (message, err) => {
      if (err === undefined || services.store.health.shouldLog(err)) app.log.error({ err }, message);
    },
  );
  writer.start();
  app.addHook("onResponse", (request, reply, done) => {
    try {
      if (isLoggedPath(request.url)) queueEntry(writer, services, request, reply);
    } catch (err) {
      app.log.error({ err }, "request log entry failed");
    }
    done();
  });
  // onClose runs once in-flight requests are done, before the app closes the store.
  app.addHook("onClose", () => writer.close());
  return writer;
}

/** `:collection` of the route (records, files, auth routes), bounded like the names it holds. */
function collectionParam(request: FastifyRequest): string {
  const value = (request.params as { collection?: unknown } | undefined)?.collection;
  return typeof value === "string" ? value.slice(0, 100) : "";
}

function queueEntry(
  writer: RequestLogWriter,
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const remoteIP = normalizeIp(request.socket.remoteAddress ?? "");
  const traceId = request.traceSpan?.spanContext().traceId;
  const add = (ctx: RequestContext | null, userIP: string) => {
    const status = reply.statusCode;
    const url = redactUrl(request.url);
    // One object literal with every field (no spreads): a stable shape is cheap to build and to
    // serialize when the batch is written.
    writer.add({
      created: dateAt(Math.round(Date.now() - reply.elapsedTime)),
      level: levelForStatus(status),
      message: `${request.method} ${url}`,
      data: {
        type: "request",
        method: request.method,
        url,
        status,
        execTime: Math.round(reply.elapsedTime * 1000) / 1000,
        referer: header(request, "referer"),
        userAgent: header(request, "user-agent"),
        remoteIP,
        userIP,
        auth: ctx?.auth?.collection.name ?? "guest",
        authId: ctx?.auth?.record.id ?? "",
        // Only while tracing is on (undefined is left out of the stored JSON), so the usual shape
        // stays PocketBase's; no spread, so the literal keeps one shape.
        traceId,
        route: routeTemplate(request) ?? "",
        collection: collectionParam(request),
      },
    });
  };
  // The auth lookup is never started for the log: routes that needed it have done it already.
  const known = request.backroomContextValue;
  if (known) {
    add(known, known.ip);
    return;
  }
  const pending = knownContextOf(request);
  if (pending) {
    pending.then(
      (ctx) => add(ctx, ctx.ip),
      () => add(null, remoteIP),
    );
    return;
  }
  const settings = services.settings.peek();
  if (settings) add(null, clientIp(request, settings.trustedProxy));
  else
    void services.settings.get().then(
      (s) => add(null, clientIp(request, s.trustedProxy)),
      () => add(null, remoteIP),
    );
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === "string" ? value.slice(0, 500) : "";
}
