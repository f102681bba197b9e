// What shared rate-limit counters cost a request: one PostgreSQL node serving a record view with
// the default limits counted in the database (no Redis), with them counted in Redis, and with limits
// off, alternating, each for a few seconds under autocannon.
// Usage: npm run build && node bench/rate-limit/request-cost.mjs [--seconds 5] [--connections 10] [--rounds 2]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "10" },
    rounds: { type: "string", default: "2" },
  },
});
const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.BACKROOM_TEST_REDIS ?? "redis://127.0.0.1:6379";
const dist = new URL("../../dist/", import.meta.url);
const { createApp } = await import(new URL("app.js", dist).href);
const { loadConfig } = await import(new URL("config/config.js", dist).href);
const { systemContext } = await import(new URL("records/request-context.js", dist).href);

const schema = `bench_rl_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), "backroom-bench-rl-"));

async function node(redis) {
  const app = await createApp(
    loadConfig({
      http: "127.0.0.1:0",
      dir,
      logLevel: "silent",
      db: PG_URL,
      dbSchema: schema,
      hooks: join(dir, "no-hooks"),
      ...(redis ? { redis: REDIS_URL, redisKeyPrefix: `bench:${process.pid}:` } : {}),
    }),
  );
  return { app, url: await app.listen() };
}

async function measure(url, path) {
  const result = await autocannon({
    url: url + path,
    connections: Number(opts.connections),
    duration: Number(opts.seconds),
  });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} answers were not 2xx`);
  return result.requests.average;
}

const first = await node(false);
const { services } = first.app;
const posts = await services.collections.create(
  { name: "posts", type: "base", fields: [{ name: "title", type: "text" }], listRule: "", viewRule: "" },
  null,
);
const post = await services.records.create(posts.name, { title: "hello" }, systemContext());
const path = `/api/collections/posts/records/${post.id}`;
// Limits high enough never to refuse: the cost measured is counting, not refusing.
const rules = [{ label: "/api/", maxRequests: 100_000_000, duration: 10, audience: "" }];
const redisNode = await node(true);
const results = { database: [], redis: [], off: [] };
try {
  for (let round = 0; round < Number(opts.rounds); round++) {
    await services.settings.update({ rateLimits: { enabled: true, rules } }, null);
    await redisNode.app.services.settings.update({ rateLimits: { enabled: true, rules } }, null);
    results.database.push(await measure(first.url, path));
    results.redis.push(await measure(redisNode.url, path));
    await services.settings.update({ rateLimits: { enabled: false } }, null);
    await new Promise((r) => setTimeout(r, 2100)); // the other node's settings cache
    results.off.push(await measure(first.url, path));
  }
} finally {
  await redisNode.app.close();
  await first.app.close();
  rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(results))
  console.log(
    `${name.padEnd(9)} ${Math.round(median(xs)).toString().padStart(6)} req/s  (runs: ${xs.map(Math.round).join(", ")})`,
  );
