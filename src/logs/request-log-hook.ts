import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { clientIp, normalizeIp } from "../http/client-ip.js";
import { knownContextOf } from "../http/request-context.js";
import type { Services } from "../http/services.js";
import type { RequestContext } from "../records/request-context.js";
import { levelForStatus, redactUrl } from "./log-entry.js";
import { RequestLogWriter } from "./request-log-writer.js";

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
    (message, err) => app.log.error({ err }, message),
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

function queueEntry(
  writer: RequestLogWriter,
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const created = new Date(Date.now() - reply.elapsedTime).toISOString().replace("T", " ");
  const base = {
    method: request.method,
    url: redactUrl(request.url),
    status: reply.statusCode,
    execTime: Math.round(reply.elapsedTime * 1000) / 1000,
    referer: header(request, "referer"),
    userAgent: header(request, "user-agent"),
  };
  const remoteIP = normalizeIp(request.socket.remoteAddress ?? "");
  const add = (ctx: RequestContext | undefined, userIP: string) =>
    writer.add({
      created,
      level: levelForStatus(base.status),
      message: `${base.method} ${base.url}`,
      data: {
        type: "request",
        ...base,
        remoteIP,
        userIP,
        auth: ctx?.auth?.collection.name ?? "guest",
        authId: ctx?.auth?.record.id ?? "",
      },
    });
  // The auth lookup is never started for the log: routes that needed it have done it already.
  const known = knownContextOf(request);
  if (known)
    known.then(
      (ctx) => add(ctx, ctx.ip),
      () => add(undefined, remoteIP),
    );
  else
    void services.settings.get().then(
      (s) => add(undefined, clientIp(request, s.trustedProxy)),
      () => add(undefined, remoteIP),
    );
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === "string" ? value.slice(0, 500) : "";
}
