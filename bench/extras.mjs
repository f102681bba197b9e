// Measurements beside the req/s table, each on a store of its own:
// - cold start: time from `backroom serve` to the first 200 from /api/health with 50 collections;
// - list latency by table size: the list scenario on 10,000 orders, then on many more.
import { performance } from "node:perf_hooks";
import { measure, median } from "./load.mjs";
import { freePort, runNode, startNode, stop, waitForHealth } from "./processes.mjs";
import { listRequest } from "./scenarios/list.mjs";
import { insertMoreOrders, SUPERUSER, seed } from "./seed.mjs";
import { createStore } from "./stores.mjs";

const root = new URL("..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const SERVER_CPU = 0;

/** A fresh store with its superuser and a running Backroom; `close()` stops it and drops the store. */
async function freshBackroom(kind, cleanups) {
  const store = createStore(kind);
  cleanups.add(store.cleanup);
  await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
    label: "backroom superuser upsert",
  });
  const start = async () => {
    const port = await freePort();
    const child = startNode([BACKROOM, "serve", "--http", `127.0.0.1:${port}`, ...store.flags], {
      cpu: SERVER_CPU,
      cwd: root,
      label: `backroom (${kind})`,
    });
    return { child, url: `http://127.0.0.1:${port}` };
  };
  return {
    store,
    start,
    async close(child) {
      await stop(child);
      await store.cleanup();
      cleanups.delete(store.cleanup);
    },
  };
}

async function api(url, path, { method = "GET", token, body } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Collection `i` of the cold-start schema: 8 fields of the common types, a relation to the first. */
function coldCollection(i, firstId) {
  return {
    name: `cold_${String(i).padStart(2, "0")}`,
    type: "base",
    fields: [
      { name: "title", type: "text", required: true, max: 200 },
      { name: "body", type: "editor" },
      { name: "amount", type: "number", min: 0 },
      { name: "active", type: "bool" },
      { name: "contact", type: "email" },
      { name: "due", type: "date" },
      { name: "kind", type: "select", values: ["a", "b", "c"], maxSelect: 1 },
      firstId
        ? { name: "parent", type: "relation", collectionId: firstId, maxSelect: 1 }
        : { name: "meta", type: "json" },
      { name: "created", type: "autodate", onCreate: true, onUpdate: false },
      { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
    ],
    indexes: [`CREATE INDEX idx_cold_${i}_title ON cold_${String(i).padStart(2, "0")} (title)`],
    listRule: '@request.auth.id != ""',
    viewRule: '@request.auth.id != ""',
  };
}

/** Spawns `backroom serve` and polls /api/health every 5 ms: milliseconds to the first 200. */
async function timeToHealthy(start) {
  const began = performance.now();
  const { child, url } = await start();
  try {
    await waitForHealth(child, `${url}/api/health`, { timeoutMs: 60_000, intervalMs: 5 });
    return performance.now() - began;
  } finally {
    await stop(child);
  }
}

/**
 * Cold start to healthy: `collections` collections created through the API on a fresh store,
 * the server stopped, then `runs` timed starts. Resolves with the median and each run (ms).
 */
export async function coldStart(kind, { collections, runs }, { cleanups, log }) {
  const fresh = await freshBackroom(kind, cleanups);
  let server;
  try {
    server = await fresh.start();
    await waitForHealth(server.child, `${server.url}/api/health`);
    const { token } = await api(server.url, "/api/collections/_superusers/auth-with-password", {
      method: "POST",
      body: { identity: SUPERUSER.email, password: SUPERUSER.password },
    });
    // Rate limits are on by default; 50 schema changes in a row from one address would trip them.
    await api(server.url, "/api/settings", {
      method: "PATCH",
      token,
      body: { rateLimits: { enabled: false } },
    });
    const began = Date.now();
    let firstId;
    for (let i = 1; i <= collections; i++) {
      const created = await api(server.url, "/api/collections", {
        method: "POST",
        token,
        body: coldCollection(i, firstId),
      });
      firstId ??= created.id;
    }
    log(`${kind}: ${collections} collections through the API in ${Date.now() - began} ms`);
    await stop(server.child);
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await timeToHealthy(fresh.start));
    const result = {
      collections,
      median_ms: Math.round(median(times)),
      runs_ms: times.map((t) => Math.round(t)),
    };
    log(
      `${kind}: cold start to healthy with ${collections} collections: ${result.median_ms} ms (runs ${result.runs_ms.join(", ")})`,
    );
    return result;
  } finally {
    await fresh.close(server?.child);
  }
}

/**
 * List latency by table size (SQLite): the list scenario against Backroom on `sizes[0]` orders,
 * then again after more orders went in by SQL (in batches) up to `sizes[1]`.
 */
export async function listBySize(kind, { sizes, customers, load }, { cleanups, log }) {
  const fresh = await freshBackroom(kind, cleanups);
  let server;
  try {
    server = await fresh.start();
    await waitForHealth(server.child, `${server.url}/api/health`);
    const seeded = await seed({
      baseUrl: server.url,
      connection: fresh.store.connection,
      orders: sizes[0],
      customers,
    });
    const list = { headers: { authorization: seeded.token }, requests: [listRequest()] };
    const results = [];
    let rows = sizes[0];
    for (const size of sizes) {
      if (size > rows) {
        const began = Date.now();
        await insertMoreOrders(fresh.store.connection, seeded.customerIds, size - rows);
        log(`${kind}: ${size - rows} more orders through SQL in ${Date.now() - began} ms`);
        rows = size;
      }
      const result = await measure(server.url, list, load);
      if (result.failed > 0) throw new Error(`list at ${size} rows: ${result.failed} failed requests`);
      results.push({ rows: size, p50_ms: result.p50_ms, p99_ms: result.p99_ms, rps: Math.round(result.rps) });
      log(
        `${kind}: list at ${size} orders: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${Math.round(result.rps)} req/s`,
      );
    }
    return { store: kind, sizes: results };
  } finally {
    await fresh.close(server?.child);
  }
}
