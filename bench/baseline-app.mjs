// The baseline HTTP server: plain Fastify answering the benchmark's routes with hand-written SQL,
// the same wire shapes as Backroom, and nothing else. The two store-specific entry points
// (baseline-sqlite.mjs, baseline-postgres.mjs) pass in their queries.
import Fastify from "fastify";
import { authenticateByHand } from "./baseline-jwt.mjs";

const NOT_FOUND = { status: 404, message: "The requested resource wasn't found.", data: {} };

/**
 * `db` provides: users ({ id, secret }), orders ({ id, name, fields }) read from `_collections`,
 * and async findUser(id), findOrder(id, authId), listOrders(authId).
 */
export function buildBaselineApp(db) {
  const app = Fastify({ logger: false });
  const toApi = (row) => {
    // Field order as the collection defines it, like Backroom's serializer.
    const record = { collectionId: db.orders.id, collectionName: db.orders.name };
    for (const field of db.orders.fields) record[field] = row[field];
    return record;
  };
  const authId = async (request) =>
    (await authenticateByHand(request.headers.authorization, db.users, db.findUser))?.id ?? "";

  app.get("/api/health", async () => ({ message: "API is healthy.", code: 200, data: {} }));

  // get-one: the view rule becomes part of the WHERE clause, exactly as Backroom compiles it.
  app.get("/api/collections/orders/records/:id", async (request, reply) => {
    const row = await db.findOrder(request.params.id, await authId(request));
    if (!row) return reply.code(404).send(NOT_FOUND);
    return toApi(row);
  });

  // list: the list scenario's query (filter, sort, perPage, skipTotal) is built in, not parsed.
  app.get("/api/collections/orders/records", async (request) => {
    const rows = await db.listOrders(await authId(request));
    return { page: 1, perPage: 30, totalItems: -1, totalPages: -1, items: rows.map(toApi) };
  });

  return app;
}

/** The two collections the baseline serves, from Backroom's own catalogue rows. */
export function describeCollections(rows) {
  const byName = new Map(rows.map((row) => [row.name, JSON.parse(row.data)]));
  const users = byName.get("users");
  const orders = byName.get("orders");
  if (!users || !orders) throw new Error("the store has no users/orders collections yet: seed it first");
  const secret = users.auth?.authToken?.secret;
  if (typeof secret !== "string") throw new Error("the users collection has no authToken secret");
  return {
    users: { id: users.id, secret },
    orders: {
      id: orders.id,
      name: orders.name,
      fields: orders.fields.filter((f) => !f.hidden).map((f) => f.name),
    },
  };
}

/** Listens on --port and prints one line when ready (the orchestrator waits for /api/health). */
export async function listen(app, port) {
  await app.listen({ host: "127.0.0.1", port });
  process.stdout.write(`baseline listening on ${port}\n`);
  const close = () => app.close().then(() => process.exit(0));
  process.once("SIGTERM", close);
  process.once("SIGINT", close);
}
