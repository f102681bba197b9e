import type { FastifyInstance } from "fastify";
import { badRequest, notFound, unauthorized } from "../../errors/api-error.js";
import type { PushSubscriptionRow } from "../../push/subscription-store.js";
import { collectionOrNotFound } from "../../records/find-collection.js";
import type { RequestContext } from "../../records/request-context.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireAuth, requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/** The subscription as its owner sees it: the keys it sent are not repeated back. */
const shown = (row: PushSubscriptionRow) => ({
  id: row.id,
  endpoint: row.endpoint,
  expirationTime: row.expirationTime,
  created: row.created,
  updated: row.updated,
});

/** The signed-in account; an API key acts for no account, so it has no subscriptions. */
async function ownerOf(req: Parameters<typeof requireAuth>[0], services: Services) {
  const ctx: RequestContext = await requireAuth(req, services);
  if (!ctx.auth) throw unauthorized();
  return { collectionId: ctx.auth.collection.id, recordId: ctx.auth.record.id };
}

/** /api/push (beyond PocketBase): Web Push subscriptions of the signed-in account, and a test send. */
export function pushRoutes(app: FastifyInstance, services: Services): void {
  const { push } = services;

  // Public: a page needs it to subscribe before anyone signs in, and it is no secret.
  app.get("/api/push/vapid-public-key", async () => ({ publicKey: await push.publicKey() }));

  app.get("/api/push/subscriptions", async (req) => {
    const owner = await ownerOf(req, services);
    return { items: (await push.list(owner)).map(shown) };
  });

  app.post("/api/push/subscriptions", async (req) => {
    const owner = await ownerOf(req, services);
    return shown(await push.subscribe(owner, await requestBody(req)));
  });

  // By endpoint, what a browser knows (PushSubscription.endpoint), in the body or the query.
  app.delete("/api/push/subscriptions", async (req, reply) => {
    const owner = await ownerOf(req, services);
    const query = req.query as Record<string, unknown>;
    const body = req.body ? await requestBody(req) : {};
    const endpoint = body.endpoint ?? query.endpoint;
    if (typeof endpoint !== "string" || endpoint === "" || endpoint.length > 2048)
      throw badRequest("Give the subscription's endpoint.", {
        endpoint: { code: "validation_required", message: "Cannot be blank." },
      });
    // Someone else's endpoint is answered as a missing one: nothing tells it exists.
    if (!(await push.unsubscribe(owner, endpoint))) throw notFound();
    return reply.code(204).send();
  });

  // A test message to one account's browsers: `{collection, recordId, payload?, ttl?, urgency?, topic?}`.
  app.post("/api/push/test", async (req) => {
    await requireSuperuser(req, services);
    const body = await requestBody(req);
    if (typeof body.collection !== "string" || typeof body.recordId !== "string")
      throw badRequest("Name the account: collection and recordId.", {
        ...(typeof body.collection !== "string"
          ? { collection: { code: "validation_required", message: "Cannot be blank." } }
          : {}),
        ...(typeof body.recordId !== "string"
          ? { recordId: { code: "validation_required", message: "Cannot be blank." } }
          : {}),
      });
    const collection = collectionOrNotFound(services.registry, body.collection);
    if (collection.type !== "auth")
      throw badRequest("Push goes to accounts: name an auth collection.", {
        collection: { code: "validation_not_auth_collection", message: "Must be an auth collection." },
      });
    const payload = body.payload ?? { title: "Test notification", body: "Push works." };
    const { ttl, urgency, topic } = body;
    return push.sendTo(collection.id, [body.recordId], payload, {
      ...(ttl !== undefined ? { ttl } : {}),
      ...(urgency !== undefined ? { urgency } : {}),
      ...(topic !== undefined ? { topic } : {}),
    });
  });
}
