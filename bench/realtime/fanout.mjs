// Realtime fan-out benchmark: Backroom (SQLite) pinned to CPU 0, SSE subscribers and the writer in
// one client process on CPU 1. Reports delivery latency (write sent → event parsed by each
// subscriber) and the server's RSS. Targets from the realtime issue: p99 ≤ 200 ms at 100 writes/s
// with 1,000 entitled subscribers; 10,000 subscribers within 400 MB RSS.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import PocketBase from "pocketbase";
import { freePort, rssMiB, runNode, startNode, stop, waitForHealth } from "../processes.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const SUPERUSER = { email: "fanout@backroom.test", password: "fanout-superuser-password" };

/** Drives the client process with one JSON command per line. */
function clientChannel(child) {
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    waiting.shift()?.(message);
  });
  return (command) =>
    new Promise((resolve, reject) => {
      waiting.push((m) => (m.ok === false ? reject(new Error(m.error)) : resolve(m)));
      if (command) child.stdin.write(`${JSON.stringify(command)}\n`);
    });
}

export async function runFanout({
  subscribers = 1000,
  manySubscribers = 10_000,
  rate = 100,
  seconds = 10,
  log = console.log,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "backroom-fanout-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  await runNode(
    ["bin/backroom.js", "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, "--dir", dir],
    { cwd: ROOT },
  );
  const server = startNode(["bin/backroom.js", "serve", "--http", `127.0.0.1:${port}`, "--dir", dir], {
    cpu: 0,
    cwd: ROOT,
    label: "backroom (realtime)",
    env: { BACKROOM_LOG_LEVEL: "warn" },
  });
  let client;
  try {
    await waitForHealth(server, `${baseUrl}/api/health`);
    const admin = new PocketBase(baseUrl);
    admin.autoCancellation(false);
    await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    await admin.settings.update({ rateLimits: { enabled: false } });
    const rule = '@request.auth.id != ""';
    await admin.collections.create({
      name: "orders",
      type: "base",
      fields: [
        { name: "note", type: "text" },
        { name: "total", type: "number" },
      ],
      listRule: rule,
      viewRule: rule,
      createRule: rule,
    });
    const user = new PocketBase(baseUrl);
    await user.collection("users").create({
      email: "viewer@backroom.test",
      password: "viewer-password",
      passwordConfirm: "viewer-password",
    });
    const { token } = await user
      .collection("users")
      .authWithPassword("viewer@backroom.test", "viewer-password");

    client = startNode([join(ROOT, "bench/realtime/sse-clients.mjs"), baseUrl, token], {
      cpu: 1,
      cwd: ROOT,
      label: "sse clients",
      stdio: ["pipe", "pipe", "pipe"],
    });
    const ask = clientChannel(client);
    await ask(null); // ready
    const results = {};

    await ask({ op: "connect", count: subscribers });
    const idle1k = Math.round(rssMiB(server.pid) ?? 0);
    let peak = idle1k;
    const sampler = setInterval(() => {
      peak = Math.max(peak, Math.round(rssMiB(server.pid) ?? 0));
    }, 200);
    const hot = await ask({ op: "write", rate, seconds });
    clearInterval(sampler);
    results.fanout = {
      subscribers,
      rate,
      seconds,
      ...pickLatency(hot),
      rss_idle_mb: idle1k,
      rss_peak_mb: peak,
    };
    log(
      `realtime: ${subscribers} subscribers, ${rate} writes/s for ${seconds}s → delivered ${hot.deliveries}/${hot.expected}, ` +
        `p50 ${fmt(hot.p50)} ms, p99 ${fmt(hot.p99)} ms; server RSS ${idle1k} → peak ${peak} MiB`,
    );

    if (manySubscribers > subscribers) {
      await ask({ op: "connect", count: manySubscribers - subscribers });
      const idleMany = Math.round(rssMiB(server.pid) ?? 0);
      const few = await ask({ op: "write", rate: 10, seconds: 2 });
      results.many = {
        subscribers: manySubscribers,
        ...pickLatency(few),
        rss_mb: idleMany,
        rss_after_writes_mb: Math.round(rssMiB(server.pid) ?? 0),
      };
      log(
        `realtime: ${manySubscribers} subscribers: server RSS ${idleMany} MiB; 10 writes/s → delivered ${few.deliveries}/${few.expected}, ` +
          `p50 ${fmt(few.p50)} ms, p99 ${fmt(few.p99)} ms`,
      );
    }
    // The client exits without answering; stop() below waits for it.
    client.stdin.write(`${JSON.stringify({ op: "exit" })}\n`);
    return results;
  } finally {
    if (client) await stop(client, 2000);
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (v) => (v === null ? "–" : v.toFixed(1));
const pickLatency = (r) => ({
  writes: r.writes,
  delivered: r.deliveries,
  expected: r.expected,
  p50_ms: r.p50,
  p99_ms: r.p99,
});

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes("--quick");
  const smoke = process.argv.includes("--smoke");
  const opts = smoke
    ? { subscribers: 100, manySubscribers: 0, rate: 20, seconds: 2 }
    : quick
      ? { subscribers: 1000, manySubscribers: 5000, rate: 100, seconds: 5 }
      : {};
  runFanout(opts).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(`[bench] realtime failed: ${err.message}`);
      process.exit(1);
    },
  );
}
