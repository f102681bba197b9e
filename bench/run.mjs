// The benchmark: for each store, start Backroom and a hand-written baseline on the same data, load
// both with each scenario, and report req/s, p99 latency and their ratio.
// Usage: npm run bench -- [--quick | --smoke] [--stores sqlite,postgres] [--scenarios get-one,list]
import { existsSync, mkdirSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { measure } from "./load.mjs";
import { readOptions } from "./options.mjs";
import { freePort, killAll, pinning, rssMiB, runNode, startNode, stop, waitForHealth } from "./processes.mjs";
import { summarizeProfiles } from "./profile-summary.mjs";
import { printTable, resultRow, writeLatest } from "./report.mjs";
import { scenarioNames, scenarios } from "./scenarios/index.mjs";
import { SUPERUSER, seed } from "./seed.mjs";
import { createStore, postgresProblem } from "./stores.mjs";

const root = new URL("..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const PROFILE_DIR = `${root}bench/results/profiles`;
const SERVER_CPU = 0;
const isCI = process.env.CI === "true";

const log = (message) => console.log(`[bench] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Fetches the scenario's first request from a server; throws unless it is a 2xx the scenario accepts. */
async function sample(url, scenario, requests) {
  const res = await fetch(url + requests.paths[0], { method: requests.method, headers: requests.headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${scenario.name}: ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text);
  const problem = scenario.check(body);
  if (problem) throw new Error(`${scenario.name}: ${url} answered ${problem}: ${text.slice(0, 300)}`);
  return body;
}

/** Both servers must answer the scenario alike, or the baseline is not doing the same work. */
async function checkParity(scenario, requests, backroomUrl, baselineUrl) {
  const [ours, theirs] = await Promise.all([
    sample(backroomUrl, scenario, requests),
    sample(baselineUrl, scenario, requests),
  ]);
  // A difference is reported, not fatal: Backroom's shapes may legitimately move ahead of the baseline.
  if (!isDeepStrictEqual(ours, theirs)) {
    log(
      `warning: ${scenario.name}: Backroom and the baseline answer differently; the baseline needs updating`,
    );
    log(`  Backroom: ${JSON.stringify(ours).slice(0, 300)}`);
    log(`  baseline: ${JSON.stringify(theirs).slice(0, 300)}`);
  }
}

/** Runs every selected scenario on one store; returns result rows, records harness failures. */
async function benchStore(kind, options, failures) {
  const store = createStore(kind);
  cleanups.add(store.cleanup);
  let backroom;
  let baseline;
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

    baseline = await startServer((port) => baselineCommand(store.connection, port), `baseline (${kind})`);
    const rows = [];
    for (const scenario of scenarios.filter((s) => options.scenarios.includes(s.name))) {
      const requests = scenario.requests(seeded);
      await checkParity(scenario, requests, backroom.url, baseline.url);
      const ours = await measure(backroom.url, requests, options);
      const theirs = await measure(baseline.url, requests, options);
      for (const [who, result] of [
        ["Backroom", ours],
        ["baseline", theirs],
      ]) {
        if (result.failed > 0)
          failures.push(`${scenario.name}/${kind}: ${who} had ${result.failed} failed requests`);
      }
      const row = resultRow(scenario.name, kind, ours, theirs);
      log(
        `${kind} ${scenario.name}: Backroom ${row.backroom.rps} req/s (runs ${ours.runs.join(", ")}), ` +
          `baseline ${row.baseline.rps} req/s (runs ${theirs.runs.join(", ")}), ratio ${row.ratio}`,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    await stop(backroom?.child);
    await stop(baseline?.child);
    await store.cleanup();
    cleanups.delete(store.cleanup);
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2), scenarioNames);
  if (!existsSync(`${root}dist/cli/main.js`)) {
    throw new Error("dist/ is missing: run `npm run bench` (it builds first) or `npm run build`");
  }
  if (options.profile) mkdirSync(PROFILE_DIR, { recursive: true });
  log(
    `mode ${options.mode}: ${options.orders} orders, ${options.runs} × ${options.runSeconds} s per scenario, ` +
      `${options.connections} connections, CPU pinning: ${pinning}`,
  );
  const failures = [];
  const rows = [];
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
      rows.push(...(await benchStore(kind, options, failures)));
    } catch (err) {
      // Killing the children on Ctrl-C makes the step in flight fail; that is no harness failure.
      if (!interrupted) failures.push(`${kind}: ${err.message}`);
    }
  }
  if (rows.length > 0) {
    printTable(rows);
    log(`wrote ${writeLatest(rows)}`);
  }
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
