import type { FastifyInstance } from "fastify";
import { badRequest, issue, validationError } from "../../errors/api-error.js";
import { SseTransport } from "../../realtime/sse-transport.js";
import { readBody } from "../plugins/multipart-body.js";
import type { Services } from "../services.js";

/**
 * PocketBase's realtime API: `GET /api/realtime` opens an event stream that starts with
 * `PB_CONNECT`; `POST /api/realtime {clientId, subscriptions}` sets that client's subscriptions,
 * authorized by the POST's Authorization header.
 */
export function realtimeSseRoutes(app: FastifyInstance, services: Services): void {
  const { realtime } = services;

  app.get("/api/realtime", (request, reply) => {
    // The stream is written to the raw response, which knows nothing of the headers the onRequest
    // hooks put on the reply (CORS, request id, security headers): they go out with its head.
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    request.raw.socket.setNoDelay(true);
    let transport: SseTransport | undefined;
    const client = realtime.connect(request.ip, (c) => {
      transport = new SseTransport(
        reply.raw,
        c.id,
        realtime.options.maxBufferBytes,
        realtime.flushRounds,
        () => services.counters.slowClientsDropped++,
      );
      return transport;
    });
    reply.raw.on("close", () => realtime.disconnect(client.id));
    transport?.open(client.id);
  });

  app.post("/api/realtime", async (request, reply) => {
    const { body } = await readBody(request, services.config.jsonMaxDepth);
    const clientId = body.clientId;
    if (typeof clientId !== "string" || clientId === "")
      throw validationError("Failed to load the submitted data due to invalid formatting.", {
        clientId: issue("validation_required", "Missing required value."),
      });
    const authorization = request.headers.authorization;
    // Here or on the node holding the client's stream (a balancer may send the POST anywhere).
    await realtime.subscribe({
      clientId,
      subscriptions: subscriptionList(body.subscriptions),
      ...(authorization !== undefined ? { authorization } : {}),
    });
    reply.code(204).send();
  });
}

/** `subscriptions` as JSON array, or as form fields (one value or several). */
function subscriptionList(value: unknown): string[] {
  if (value === undefined || value === null || value === "") return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((s): s is string => typeof s === "string"))
    throw badRequest("Subscriptions must be a list of strings.");
  return list;
}
