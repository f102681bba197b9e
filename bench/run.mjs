// The benchmark: for each store, start Backroom and a hand-written baseline on the same data, load
// both with each scenario, and report req/s, p99 latency and their ratio; then the extra
// measurements (memory, cold start, list latency by table size).
// Usage: npm run bench -- [--quick | --smoke] [--stores sqlite,postgres] [--scenarios get-one,list]
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { coldStart, listBySize } from "./extras.mjs";
import { openInspector } from "./inspect.mjs";
import { closeLoadWorker, measure } from "./load.mjs";
import { extrasPlan, readOptions } from "./options.mjs";
import { checkParity } from "./parity.mjs";
import {
  freePort,
  killAll,
  pause,
  pinning,
  resume,
  rssMiB,
  runNode,
  startNode,
  stop,
  waitForHealth,
  waitIdle,
} from "./processes.mjs";
import { summarizeProfiles } from "./profile-summary.mjs";
import { runFanout } from "./realtime/fanout.mjs";
import { printExtra, printTable, resultRow, writeLatest } from "./report.mjs";
import { scenarioNames, scenarios } from "./scenarios/index.mjs";
import { SUPERUSER, seed } from "./seed.mjs";
import { createStore, postgresProblem } from "./stores.mjs";

const root = new URL("..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const PROFILE_DIR = `${root}bench/results/profiles`;
const SERVER_CPU = 0;
const isCI = process.env.CI === "true";

const began = Date.now();
const log = (message) =>
  console.log(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (n) => (n === undefined ? null : Math.round(n * 10) / 10);

// Stores to drop and folders to remove, also when the run is interrupted.
const cleanups = new Set();
let interrupted = false;
async function cleanUp() {
  for (const cleanup of cleanups) {
    await cleanup().catch((err) => console.error(`[bench] cleanup failed: ${err.message}`));
    cleanups.delete(cleanup);
  }
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[bench] ${signal}: stopping servers and cleaning up`);
    killAll();
    cleanUp().finally(() => process.exit(130));
  });
}

function baselineCommand(connection, port) {
  return connection.kind === "sqlite"
    ? [`${root}bench/baseline-sqlite.mjs`, "--file", connection.file, "--port", String(port)]
    : [
        `${root}bench/baseline-postgres.mjs`,
        "--db",
        connection.url,
        "--schema",
        connection.schema,
        "--port",
        String(port),
      ];
}

async function startServer(args, label, options = {}) {
  const port = await freePort();
  const child = startNode(args(port), { cpu: SERVER_CPU, label, ...options });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`);
  return { child, url };
}

/** Reads for a while on each fresh server, so the first scenario does not pay for V8's warm-up. */
async function warmUp(servers, seeded, options) {
  if (options.serverWarmupSeconds <= 0) return;
  const reads = scenarios.filter((s) => !s.writes).flatMap((s) => s.load(seeded).requests);
  const load = { headers: { authorization: seeded.token }, requests: reads };
  const only = { ...options, warmupSeconds: 0, runSeconds: options.serverWarmupSeconds, runs: 1 };
  for (const server of servers) await measure(server.url, load, only);
}

/** Runs every selected scenario on one store; returns result rows, records harness failures. */
async function benchStore(kind, options, failures, extra) {
  const store = createStore(kind);
  cleanups.add(store.cleanup);
  let backroom;
  let baseline;
  let inspector;
  try {
    await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
      label: "backroom superuser upsert",
    });
    const profileFlags = options.profile ? ["--cpu-prof", "--cpu-prof-dir", `${PROFILE_DIR}/${kind}`] : [];
    backroom = await startServer(
      (port) => [...profileFlags, BACKROOM, "serve", "--http", `127.0.0.1:${port}`, ...store.flags],
      `backroom (${kind})`,
      { cwd: root },
    );
    await sleep(1000); // start-up work (migrations, first settings read) done
    const startRss = rssMiB(backroom.child.pid);
    if (startRss !== undefined) log(`${kind}: Backroom idle RSS after start: ${startRss.toFixed(1)} MiB`);
    extra.start_rss_mib[kind] = round1(startRss);
    log(`${kind}: Backroom at ${backroom.url}, seeding ${options.orders} orders`);
    const seeded = await seed({
      baseUrl: backroom.url,
      connection: store.connection,
      orders: options.orders,
      customers: options.customers,
      log: (message) => log(`${kind}: ${message}`),
    });
    await sleep(1000); // let the seeding's garbage settle before reading memory
    const rss = rssMiB(backroom.child.pid);
    if (rss !== undefined) log(`${kind}: Backroom idle RSS after seeding: ${rss.toFixed(1)} MiB`);
    extra.idle_rss_mib[kind] = round1(rss);

    baseline = await startServer((port) => baselineCommand(store.connection, port), `baseline (${kind})`);
    inspector = await openInspector(store.connection);
    await warmUp([backroom, baseline], seeded, options);
    const rows = [];
    let previousWrote = false;
    for (const scenario of scenarios.filter((s) => options.scenarios.includes(s.name))) {
      const load = scenario.load(seeded);
      // Backroom was frozen while the baseline ran: let it catch up (outbox events of the
      // baseline's writes) before it answers anything that counts.
      resume(backroom.child);
      if (previousWrote) await waitIdle(backroom.child.pid, { quietMs: options.idleQuietMs });
      const differences = await checkParity(scenario, load, {
        backroomUrl: backroom.url,
        baselineUrl: baseline.url,
        inspector,
      });
      for (const difference of differences)
        log(`warning: Backroom and the baseline differ, the baseline needs updating: ${difference}`);
      const ours = await measure(backroom.url, load, options, {
        rssPid: scenario.sampleRss ? backroom.child.pid : undefined,
      });
      // Freeze Backroom only once it is idle: frozen inside a write transaction, it would hold
      // SQLite's write lock and stall the baseline.
      if (scenario.writes) await waitIdle(backroom.child.pid, { quietMs: options.idleQuietMs });
      pause(backroom.child);
      previousWrote = Boolean(scenario.writes);
      const theirs = await measure(baseline.url, load, options);
      // Requests still in flight when the load stopped write after it (argon2 takes a while): let
      // them land before the next parity check reads the audit log.
      if (scenario.writes) await waitIdle(baseline.child.pid, { quietMs: options.idleQuietMs });
      if (scenario.sampleRss && ours.maxRssMiB !== undefined) {
        extra.load_rss_mib[kind] = round1(ours.maxRssMiB);
        log(`${kind}: Backroom max RSS during ${scenario.name}: ${ours.maxRssMiB.toFixed(1)} MiB`);
      }
      for (const [who, result] of [
        ["Backroom", ours],
        ["baseline", theirs],
      ]) {
        if (result.failed > 0)
          failures.push(
            `${scenario.name}/${kind}: ${who} had ${result.failed} failed requests (${result.failures})`,
          );
      }
      const row = resultRow(scenario.name, kind, ours, theirs);
      log(
        `${kind} ${scenario.name}: Backroom ${row.backroom.rps} req/s (runs ${ours.runs.join(", ")}, ` +
          `generator CPU ${ours.generator_cpu_pct}%), baseline ${row.baseline.rps} req/s ` +
          `(runs ${theirs.runs.join(", ")}, generator CPU ${theirs.generator_cpu_pct}%), ratio ${row.ratio}, ` +
          `load average ${loadavg()[0].toFixed(2)}`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    await inspector?.close().catch(() => {});
    await stop(backroom?.child);
    await stop(baseline?.child);
    await store.cleanup();
    cleanups.delete(store.cleanup);
  }
}

/** The extra measurements of one store, each on a fresh store of its own (servers above are stopped). */
async function extrasForStore(kind, options, failures, extra) {
  const plan = extrasPlan(options);
  const context = { cleanups, log };
  try {
    extra.cold_start[kind] = await coldStart(kind, plan.coldStart, context);
  } catch (err) {
    if (!interrupted) failures.push(`${kind} cold start: ${err.message}`);
  }
  if (kind !== "sqlite" || !plan.listBySize) return;
  try {
    log(`${kind}: list latency at ${plan.listBySize.sizes.join(" vs ")} orders (${plan.listBySize.note})`);
    extra.list_by_size = {
      ...(await listBySize(kind, plan.listBySize, context)),
      note: plan.listBySize.note,
    };
  } catch (err) {
    if (!interrupted) failures.push(`${kind} list by size: ${err.message}`);
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2), scenarioNames);
  if (!existsSync(`${root}dist/bundle/main.js`)) {
    throw new Error("dist/ is missing: run `npm run bench` (it builds first) or `npm run build`");
  }
  if (options.profile) mkdirSync(PROFILE_DIR, { recursive: true });
  log(
    `mode ${options.mode}: ${options.orders} orders, ${options.serverWarmupSeconds} s warm-up per server, ` +
      `${options.warmupSeconds} s warm-up + ` +
      `${options.runs} × ${options.runSeconds} s per scenario and server, ` +
      `${options.connections} connections, CPU pinning: ${pinning}`,
  );
  const failures = [];
  const rows = [];
  const extra = { start_rss_mib: {}, idle_rss_mib: {}, load_rss_mib: {}, cold_start: {}, list_by_size: null };
  for (const kind of options.stores) {
    if (kind === "postgres") {
      const problem = await postgresProblem();
      if (problem) {
        // CI promises a PostgreSQL; on a laptop it is optional.
        if (isCI) failures.push(`postgres: not reachable under CI=true: ${problem}`);
        else log(`postgres: skipped, PostgreSQL is not reachable (${problem})`);
        continue;
      }
    }
    try {
      rows.push(...(await benchStore(kind, options, failures, extra)));
    } catch (err) {
      // Killing the children on Ctrl-C makes the step in flight fail; that is no harness failure.
      if (!interrupted) failures.push(`${kind}: ${err.message}`);
    }
    if (options.extras && !interrupted) await extrasForStore(kind, options, failures, extra);
  }
  if (options.extras && !interrupted) {
    // Realtime fan-out (SQLite): delivery latency with N subscribers at a write rate, and RSS.
    const realtime =
      options.mode === "smoke"
        ? { subscribers: 100, manySubscribers: 0, rate: 20, seconds: 2 }
        : options.mode === "quick"
          ? { subscribers: 1000, manySubscribers: 5000, rate: 100, seconds: 5 }
          : { subscribers: 1000, manySubscribers: 10_000, rate: 100, seconds: 10 };
    try {
      extra.realtime = await runFanout({ ...realtime, log });
    } catch (err) {
      failures.push(`realtime fan-out: ${err.message}`);
    }
  }
  if (rows.length > 0) printTable(rows);
  // Other work on the machine moves req/s: the ratios of one run are what compare.
  log(
    `load average (1, 5, 15 min): ${loadavg()
      .map((n) => n.toFixed(2))
      .join(", ")}`,
  );
  if (options.extras) printExtra(extra);
  if (rows.length > 0 || options.extras)
    log(`wrote ${writeLatest(rows, options.extras ? extra : undefined)}`);
  log("done");
  closeLoadWorker();
  if (options.profile) summarizeProfiles(PROFILE_DIR);
  if (failures.length > 0) {
    for (const failure of failures) console.error(`[bench] FAILED ${failure}`);
    // Only a broken harness fails the run; slow numbers never do.
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(`[bench] ${err.message}`);
  process.exitCode = 1;
});
