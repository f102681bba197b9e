// Web Push fan-out: one account with `--subscriptions` browser subscriptions (default 500), one
// `POST /api/push/test` to it, and the time until a local push service (counting only: the suite
// in src/push checks signatures and decrypts) has taken every message (201); then the same count
// of webhook deliveries (one webhook, `--subscriptions` creates in batches of 50; their own time
// is counted in) as the baseline of the same run: both are one durable job and one signed POST per
// message. At most 1000 subscriptions (the per-account limit's ceiling).
//
//   npm run build && node bench/push-fanout.mjs [--stores sqlite,postgres] [--subscriptions 500]
import { createECDH, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import PocketBase from "pocketbase";
import { serveAsSuperuser } from "./superuser-server.mjs";

const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
const { values: args } = parseArgs({
  options: {
    stores: { type: "string", default: "sqlite,postgres" },
    subscriptions: { type: "string", default: "500" },
  },
});
const COUNT = Number(args.subscriptions);

const waitFor = async (check, what, timeoutMs = 300_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** A receiver that only counts what it is sent (a push service answers 201, a webhook's 200). */
async function countingReceiver(status) {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      count++;
      res.writeHead(status).end();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: server.address().port, count: () => count, close: () => server.close() };
}

/** A browser's subscription to the counting push service: a fresh P-256 key pair and auth secret. */
function subscription(port, i) {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    endpoint: `http://127.0.0.1:${port}/push/${i}`,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
  };
}

async function run(kind, push, hooks) {
  const dir = mkdtempSync(join(tmpdir(), "backroom-bench-push-"));
  const schema = `bench_push_${Date.now().toString(36)}`;
  const storeArgs =
    kind === "postgres" ? ["--dir", dir, "--db", PG_URL, "--db-schema", schema] : ["--dir", dir];
  const server = await serveAsSuperuser(storeArgs, {
    BACKROOM_PUSH_ALLOW_PRIVATE: `127.0.0.1:${push.port}`,
    BACKROOM_WEBHOOK_ALLOW_PRIVATE: `127.0.0.1:${hooks.port}`,
  });
  try {
    const { pb } = server;
    await pb.settings.update({
      push: { maxSubscriptionsPerUser: Math.min(Math.max(COUNT, 1), 1000) },
    });
    const user = new PocketBase(server.url);
    user.autoCancellation(false);
    const email = `bench.${Date.now()}@example.com`;
    const account = await pb
      .collection("users")
      .create({ email, password: "bench password 1", passwordConfirm: "bench password 1" });
    await user.collection("users").authWithPassword(email, "bench password 1");
    for (let i = 0; i < COUNT; i++)
      await user.send("/api/push/subscriptions", { method: "POST", body: subscription(push.port, i) });
    const pushedBefore = push.count();
    const received = () => push.count() - pushedBefore;
    let started = performance.now();
    await pb.send("/api/push/test", {
      method: "POST",
      body: { collection: "users", recordId: account.id, payload: { title: "bench", body: "x".repeat(200) } },
    });
    await waitFor(() => received() >= COUNT, "every push");
    const pushMs = performance.now() - started;

    await pb.collections.create({ name: "events", type: "base", fields: [{ name: "n", type: "number" }] });
    await pb.send("/api/webhooks", {
      method: "POST",
      body: { url: `http://127.0.0.1:${hooks.port}/hook`, events: ["events.create"] },
    });
    const before = hooks.count();
    started = performance.now();
    // Batches of 50 (the batch limit), one transaction each.
    for (let from = 0; from < COUNT; from += 50) {
      const requests = [];
      for (let n = from; n < Math.min(from + 50, COUNT); n++)
        requests.push({ method: "POST", url: "/api/collections/events/records", body: { n } });
      await pb.send("/api/batch", { method: "POST", body: { requests } });
    }
    await waitFor(() => hooks.count() - before >= COUNT, "every webhook");
    const hookMs = performance.now() - started;
    return { pushMs, hookMs };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const push = await countingReceiver(201);
const hooks = await countingReceiver(200);
try {
  for (const kind of args.stores.split(",")) {
    const load = loadavg()
      .map((n) => n.toFixed(1))
      .join(" ");
    const r = await run(kind, push, hooks);
    const rate = (ms) => Math.round((COUNT / ms) * 1000);
    console.log(
      `${kind}: ${COUNT} pushes in ${Math.round(r.pushMs)} ms (${rate(r.pushMs)}/s); ` +
        `baseline ${COUNT} webhook deliveries in ${Math.round(r.hookMs)} ms (${rate(r.hookMs)}/s); ` +
        `push/webhook time ${(r.pushMs / r.hookMs).toFixed(2)}; load average before ${load}`,
    );
  }
} finally {
  push.close();
  hooks.close();
}
