// The fault run: Backroom serving on a PostgreSQL of its own under write + read load, while the
// database loses its connections (pg_terminate_backend) and crashes (pg_ctl stop -m immediate, then
// start). Counts process exits (must be 0) and acknowledged writes lost (must be 0), and measures
// how long after each fault the first write succeeds again.
// Usage: npm run bench:faults -- [--terminations 20] [--restarts 3] [--loops 4]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, runNode, startNode, stop, waitForHealth } from "../processes.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const BACKROOM = join(ROOT, "bin/backroom.js");
const SUPERUSER = { email: "faults@example.com", password: "fault run password" };

const { values: opts } = parseArgs({
  options: {
    terminations: { type: "string", default: "20" },
    restarts: { type: "string", default: "3" },
    loops: { type: "string", default: "4" },
  },
});
const TERMINATIONS = Number(opts.terminations);
const RESTARTS = Number(opts.restarts);
const LOOPS = Number(opts.loops);
/** Recovery taking longer than this counts as none (reported as "never"). */
const RECOVERY_LIMIT_MS = 30_000;

const began = Date.now();
const log = (message) =>
  console.log(`[faults ${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The test helpers are TypeScript: loaded through Backroom's own loader (dist/, built by npm run).
const { loadModule } = await import(join(ROOT, "dist/code-loader/index.js"));
const { startPgInstance } = await loadModule(join(ROOT, "src/test-support/pg-instance.ts"));
const { startRecordLoad, storedIds } = await loadModule(join(ROOT, "src/test-support/record-load.ts"));

const pgInstance = await startPgInstance();
const dir = mkdtempSync(join(tmpdir(), "backroom-faults-"));
let server;
try {
  await pgInstance.createDatabase("faults");
  const dbUrl = pgInstance.urlFor("faults");
  await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, "--db", dbUrl], {
    cwd: dir,
    env: { BACKROOM_LOG_LEVEL: "silent" },
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  server = startNode(
    [
      BACKROOM,
      "serve",
      "--http",
      `127.0.0.1:${port}`,
      "--db",
      dbUrl,
      "--dir",
      dir,
      "--hooks",
      join(dir, "none"),
    ],
    { cwd: dir, env: { BACKROOM_LOG_LEVEL: "warn" }, label: "backroom" },
  );
  let serverLog = "";
  server.stdout.on("data", (d) => {
    serverLog += d;
  });
  server.stderr.on("data", (d) => {
    serverLog += d;
  });
  let exits = 0;
  server.once("exit", () => {
    exits++;
  });
  await waitForHealth(server, `${url}/api/health`);
  log(`Backroom on ${url}, PostgreSQL ${pgInstance.port} (database faults)`);

  const token = await setUp(url);
  const load = startRecordLoad(url, "items", LOOPS);
  const gone = () => server.exitCode !== null || server.signalCode !== null;
  await sleep(2000);

  const terminateRecovery = [];
  for (let round = 1; round <= TERMINATIONS; round++) {
    const at = Date.now();
    const killed = await pgInstance.terminateBackends("faults");
    const ms = await load.firstWriteAfter(at, RECOVERY_LIMIT_MS, gone);
    terminateRecovery.push(ms);
    log(`terminate ${round}/${TERMINATIONS}: ${killed} backends; first write after ${fmt(ms)}`);
    await sleep(700);
  }
  const restartRecovery = [];
  for (let round = 1; round <= RESTARTS; round++) {
    await pgInstance.stop({ mode: "immediate" });
    const down = Date.now();
    await sleep(1500);
    await pgInstance.start();
    const up = Date.now();
    const ms = await load.firstWriteAfter(up, RECOVERY_LIMIT_MS, gone);
    restartRecovery.push(ms);
    log(
      `restart ${round}/${RESTARTS}: down ${((up - down) / 1000).toFixed(1)} s; first write ${fmt(ms)} after PostgreSQL accepted again`,
    );
    await sleep(1500);
  }
  const counts = await load.stop();

  const alive = server.exitCode === null && server.signalCode === null;
  // A server that died can't be asked; its acknowledged writes are then all counted as unchecked.
  const stored = alive ? await storedIds(url, "items", token) : new Set();
  const lost = [...counts.acked].filter((id) => !stored.has(id));
  const crashLines = serverLog
    .split("\n")
    .filter((l) => /Unhandled 'error'|uncaught exception|Uncaught/i.test(l));

  console.log("");
  console.log(
    `faults: ${TERMINATIONS} pg_terminate_backend rounds, ${RESTARTS} immediate stops/starts; ${LOOPS} load loops`,
  );
  console.log(`requests: ${counts.requests} (creates ${counts.creates}, lists ${counts.lists})`);
  console.log(`answers: ${formatStatuses(counts.statuses)}; network errors: ${counts.networkErrors}`);
  console.log(
    `unexpected answers (not 2xx, nor 503 in the error shape with Retry-After): ${counts.unexpected.length}${counts.unexpected.length ? ` e.g. ${counts.unexpected[0]}` : ""}`,
  );
  console.log(
    `process exits: ${exits} (alive at the end: ${alive ? "yes" : "no"}); crash lines in its log: ${crashLines.length}`,
  );
  console.log(
    `acknowledged writes: ${counts.acked.size}; lost: ${alive ? lost.length : "unknown (the server died)"}`,
  );
  console.log(
    `recovery after pg_terminate_backend: median ${fmt(median(terminateRecovery))}, max ${fmt(Math.max(...terminateRecovery))}`,
  );
  console.log(
    `recovery after restart (from PostgreSQL accepting): median ${fmt(median(restartRecovery))}, max ${fmt(Math.max(...restartRecovery))}`,
  );
  const logLines = serverLog.split("\n").filter((l) => l.trim() !== "");
  console.log(`server log lines at level warn and above: ${logLines.length}`);
  if (crashLines.length || !alive) console.log(serverLog.split("\n").slice(-15).join("\n"));
  const ok =
    exits === 0 && alive && lost.length === 0 && counts.unexpected.length === 0 && counts.networkErrors === 0;
  console.log(ok ? "result: PASS" : "result: FAIL");
  process.exitCode = ok ? 0 : 1;
} finally {
  await stop(server);
  await pgInstance.destroy();
  rmSync(dir, { recursive: true, force: true });
}

/** A superuser token, an `items` collection anyone may create in and list, and rate limits off. */
async function setUp(url) {
  const auth = await call(url, "POST", "/api/collections/_superusers/auth-with-password", {
    identity: SUPERUSER.email,
    password: SUPERUSER.password,
  });
  const token = auth.body.token;
  await call(url, "PATCH", "/api/settings", { rateLimits: { enabled: false } }, token);
  await call(
    url,
    "POST",
    "/api/collections",
    {
      name: "items",
      type: "base",
      fields: [
        { name: "loop", type: "number" },
        { name: "n", type: "number" },
      ],
      listRule: "",
      viewRule: "",
      createRule: "",
    },
    token,
  );
  return token;
}

async function call(url, method, path, body, token) {
  const res = await fetch(url + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return { status: res.status, body: parsed };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function fmt(ms) {
  return Number.isFinite(ms) ? `${Math.round(ms)} ms` : "never (30 s)";
}

function formatStatuses(statuses) {
  return [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(", ");
}
