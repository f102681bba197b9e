import websocket from "@fastify/websocket";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { ApiError, badRequest, forbidden } from "../../errors/api-error.js";
import { principalOf } from "../../realtime/principal.js";
import { WsTransport } from "../../realtime/ws-transport.js";
import { originAllowed } from "../plugins/cors.js";
import type { Services } from "../services.js";

/** Client frames are small (a subscription list); anything bigger is refused by the ws library. */
const MAX_CLIENT_FRAME = 512 * 1024;

/**
 * `GET /api/realtime/ws`: realtime over WebSocket, a thin transport on the same hub as SSE.
 * Frames (JSON text):
 *   server → `{"type":"connect","clientId":"…"}` once, first;
 *   client → `{"type":"subscribe","subscriptions":["orders/*",…],"authorization":"TOKEN","id":1}`
 *            (replaces all subscriptions, like POST /api/realtime; `authorization` is optional and
 *            falls back to the upgrade request's Authorization header; `id` is echoed);
 *   server → `{"type":"subscribed","id":1}` or `{"type":"error","id":1,"status":403,"message":"…"}`;
 *   server → `{"type":"event","topic":"orders/*","data":{"action":"create","record":{…}}}`.
 * Heartbeats are WebSocket pings.
 */
export async function realtimeWsRoutes(
  app: FastifyInstance,
  services: Services,
  /** Other WebSocket routes (GraphQL's), which must live in the scope that owns the upgrades. */
  more: (scope: FastifyInstance) => void = () => {},
): Promise<void> {
  // In a scope of its own: the plugin's per-request hooks then run for this route only, not for
  // every API request. The plugin still takes every upgrade request the server gets, though, and
  // routes it like any other, its answer written straight to the socket; outside the scope nothing
  // would close that socket after the answer (it would stay open, and keep app.close() waiting).
  app.addHook("onResponse", closeUpgradeSocket);
  await app.register(async (scope) => {
    await realtimeWsRoute(scope, services);
    more(scope);
  });
}

/**
 * Closes the connection of an upgrade request once it has been answered over HTTP (any route but a
 * WebSocket that was accepted, whose answer is the upgrade: no onResponse then). Node's HTTP server
 * sets `upgrade` (not in its typings) on exactly the requests it hands to its 'upgrade' listeners,
 * which then own the socket; on every other request it is false.
 */
function closeUpgradeSocket(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if ((request.raw as { upgrade?: boolean }).upgrade === true) request.raw.socket.destroy();
  done();
}

async function realtimeWsRoute(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_FRAME } });
  const { realtime } = services;
  // CORS for WebSockets: a browser lets any page open one, so the server refuses pages of origins
  // --origins does not list (before the upgrade, with a 403 over HTTP).
  app.addHook("onRequest", async (request) => {
    if (!originAllowed(request, services.config.origins))
      throw forbidden("This origin is not allowed to open realtime connections.");
  });
  const deps = { store: services.store, registry: services.registry, query: services.records.query };

  app.get("/api/realtime/ws", { websocket: true }, (socket, request) => {
    const transport = new WsTransport(
      socket,
      request.raw.socket,
      realtime.options.maxBufferBytes,
      realtime.flushRounds,
      () => {
        services.counters.slowClientsDropped++;
      },
    );
    const client = realtime.connect(request.ip, () => transport);
    socket.on("close", () => realtime.disconnect(client.id));
    transport.open(client.id);

    // One frame at a time, so subscription changes apply in the order they were sent.
    let queue = Promise.resolve();
    socket.on("message", (raw, isBinary) => {
      queue = queue.then(async () => {
        let id: unknown = null;
        try {
          const frame = parseFrame(isBinary ? "" : raw.toString());
          id = frame.id ?? null;
          const header =
            typeof frame.authorization === "string" ? frame.authorization : request.headers.authorization;
          realtime.setSubscriptions(client.id, frame.subscriptions, await principalOf(header, deps));
          transport.reply({ type: "subscribed", id });
        } catch (err) {
          const e = err instanceof ApiError ? err : new ApiError(500, "Something went wrong.");
          transport.reply({ type: "error", id, status: e.status, message: e.message });
        }
      });
    });
  });
}

interface SubscribeFrame {
  subscriptions: string[];
  authorization?: unknown;
  id?: unknown;
}

function parseFrame(text: string): SubscribeFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    throw badRequest("Frames must be JSON text.");
  }
  if (frame === null || typeof frame !== "object" || (frame as { type?: unknown }).type !== "subscribe")
    throw badRequest('Unknown frame; expected {"type":"subscribe",…}.');
  const { subscriptions = [], authorization, id } = frame as Record<string, unknown>;
  if (!Array.isArray(subscriptions) || !subscriptions.every((s) => typeof s === "string"))
    throw badRequest("Subscriptions must be a list of strings.");
  return { subscriptions, authorization, id };
}
