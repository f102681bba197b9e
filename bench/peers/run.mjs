// Backroom next to its peers: Directus and Strapi on SQLite, Parse Server on PostgreSQL, each
// installed from npm into a cache folder, set up with the data Backroom gets, and loaded with the
// same get-one, list and create scenarios. Reports req/s, p99 and Backroom ÷ peer per scenario.
// Usage: npm run bench:peers -- [--full] [--peers directus,parse] [--connections 16]
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { closeLoadWorker, measure } from "../load.mjs";
import {
  freePort,
  killAll,
  pause,
  pinning,
  resume,
  runNode,
  startNode,
  stop,
  waitForHealth,
  waitIdle,
} from "../processes.mjs";
import createScenario from "../scenarios/create.mjs";
import getOneScenario from "../scenarios/get-one.mjs";
import listScenario from "../scenarios/list.mjs";
import { SUPERUSER, seed } from "../seed.mjs";
import { createStore, postgresProblem } from "../stores.mjs";
import { customerRows, orderRows } from "./data.mjs";
import directus from "./directus.mjs";
import { probe } from "./http.mjs";
import { installPeer, peersCacheDir, stopInstall } from "./install.mjs";
import { readPeerOptions } from "./options.mjs";
import parse from "./parse.mjs";
import { printPeersTable, ratioRows, summary, writePeersJson } from "./report.mjs";
import strapi from "./strapi.mjs";

const root = new URL("../..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const SERVER_CPU = 0;
const PEERS = { directus, strapi, parse };
// Reads first, so the rows the create scenario adds do not change what they read.
const SCENARIOS = ["get-one", "list", "create"];
const REASON_MAX = 800;

const began = Date.now();
const log = (message) =>
  console.log(`[peers ${((Date.now() - began) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const load1 = () => loadavg().map((n) => Number(n.toFixed(2)));

// Servers, folders and databases to remove, also when the run is interrupted.
const cleanups = new Set();
let interrupted = false;
async function cleanUp() {
  for (const cleanup of cleanups) {
    await cleanup().catch((err) => console.error(`[peers] cleanup failed: ${err.message}`));
    cleanups.delete(cleanup);
  }
}
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n[peers] ${signal}: stopping servers and cleaning up`);
    stopInstall();
    killAll();
    cleanUp().finally(() => process.exit(130));
  });
}

/** A server's warm-up (reads, so V8 has optimized the hot paths), then each scenario's runs. */
async function measureScenarios(label, url, loads, options) {
  const reads = {
    headers: loads.list.headers,
    requests: [...loads["get-one"].requests, ...loads.list.requests],
  };
  await measure(url, reads, {
    ...options,
    warmupSeconds: 0,
    runSeconds: options.serverWarmupSeconds,
    runs: 1,
  });
  const results = {};
  for (const name of SCENARIOS) {
    const result = await measure(url, loads[name], options);
    if (result.failed > 0)
      throw new Error(`${label} ${name}: ${result.failed} failed requests (${result.failures})`);
    results[name] = summary(result);
    log(
      `${label} ${name}: ${results[name].rps} req/s (runs ${result.runs.join(", ")}), p99 ${result.p99_ms} ms`,
    );
  }
  return results;
}

/** Backroom on a fresh SQLite store, seeded by bench/seed.mjs; stays up (frozen) between peers. */
async function startBackroom(options) {
  const store = createStore("sqlite");
  const server = { child: undefined, url: "", loads: {} };
  const cleanup = async () => {
    await stop(server.child);
    await store.cleanup();
  };
  cleanups.add(cleanup);
  await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
    label: "backroom superuser upsert",
  });
  const port = await freePort();
  server.url = `http://127.0.0.1:${port}`;
  server.child = startNode([BACKROOM, "serve", "--http", `127.0.0.1:${port}`, ...store.flags], {
    cpu: SERVER_CPU,
    cwd: root,
    label: "backroom (sqlite)",
  });
  await waitForHealth(server.child, `${server.url}/api/health`);
  log(`Backroom at ${server.url}, seeding ${options.orders} orders`);
  const seeded = await seed({
    baseUrl: server.url,
    connection: store.connection,
    orders: options.orders,
    customers: options.customers,
    log: (message) => log(`backroom: ${message}`),
  });
  server.loads = {
    "get-one": getOneScenario.load(seeded),
    list: listScenario.load(seeded),
    create: createScenario.load(seeded),
  };
  for (const name of SCENARIOS) await probe(server.url, server.loads[name]);
  await waitIdle(server.child.pid);
  pause(server.child);
  return server;
}

/** Backroom's numbers right before a peer's, while the peer is frozen: both see the same machine. */
async function measureBackroom(backroom, peerChildren, options) {
  for (const child of peerChildren) pause(child);
  resume(backroom.child);
  try {
    return await measureScenarios("backroom", backroom.url, backroom.loads, options);
  } finally {
    // Frozen only once idle: frozen inside a write it would hold SQLite's write lock.
    await waitIdle(backroom.child.pid);
    pause(backroom.child);
    for (const child of peerChildren) resume(child);
  }
}

const shorten = (text) => (text.length > REASON_MAX ? `${text.slice(0, REASON_MAX)}…` : text);

/** Installs, sets up and measures one peer (and Backroom right before it); never throws. */
async function benchPeer(peer, backroom, data, options) {
  const record = {
    name: peer.name,
    store: peer.store,
    packages: peer.packages,
    seeding: peer.seeding,
    target: peer.target,
    available: false,
  };
  let stage = "install";
  const children = [];
  const peerCleanups = [];
  let workDir;
  const cleanup = async () => {
    for (const child of children) await stop(child);
    for (const fn of [...peerCleanups].reverse()) await fn();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  try {
    // A module that cannot work here says why instead of faking numbers.
    if (peer.unavailable) throw new Error(peer.unavailable);
    const { dir, cached } = await installPeer(peer.name, peer.packages, {
      log: (m) => log(`${peer.name}: ${m}`),
    });
    log(`${peer.name}: ${cached ? "installed already" : "installed"} in ${dir}`);
    if (peer.store === "postgres") {
      stage = "PostgreSQL";
      const problem = await postgresProblem();
      if (problem) throw new Error(`not reachable: ${problem}`);
    }
    stage = "set-up";
    workDir = mkdtempSync(join(tmpdir(), `backroom-peer-${peer.name}-`));
    const server = await peer.setUp({
      installDir: dir,
      workDir,
      port: await freePort(),
      data,
      log: (m) => log(`${peer.name}: ${m}`),
      spawn: (args, opts) => {
        const child = startNode(args, { cpu: SERVER_CPU, ...opts });
        children.push(child);
        return child;
      },
      run: runNode,
      waitForHealth,
      onCleanup: (fn) => peerCleanups.push(fn),
    });
    record.version = server.version;
    log(`${peer.name} ${server.version} at ${server.url}`);
    stage = "answers";
    for (const name of SCENARIOS) await probe(server.url, server.loads[name]);
    stage = "load";
    record.loadavg = load1();
    record.backroom = await measureBackroom(backroom, children, options);
    record.scenarios = await measureScenarios(peer.name, server.url, server.loads, options);
    record.available = true;
  } catch (err) {
    record.reason = interrupted ? "interrupted" : shorten(`${stage}: ${err.message}`);
    log(`${peer.name}: not available: ${record.reason}`);
  } finally {
    await cleanup().catch((err) => log(`${peer.name}: cleanup failed: ${err.message}`));
    cleanups.delete(cleanup);
  }
  return record;
}

async function main() {
  const options = readPeerOptions(process.argv.slice(2));
  if (!existsSync(`${root}dist/bundle/main.js`)) {
    throw new Error("dist/ is missing: run `npm run bench:peers` (it builds first) or `npm run build`");
  }
  const startLoad = load1();
  log(
    `mode ${options.mode}: ${options.orders} orders, ${options.serverWarmupSeconds} s warm-up per server, ` +
      `${options.warmupSeconds} s warm-up + ${options.runs} × ${options.runSeconds} s per scenario, ` +
      `${options.connections} connections, CPU pinning: ${pinning}, load average ${startLoad.join(" ")}, ` +
      `peers in ${peersCacheDir()}`,
  );
  const version = JSON.parse(readFileSync(`${root}package.json`, "utf8")).version;
  const backroom = await startBackroom(options);
  const data = {
    customers: customerRows(options.customers),
    orders: orderRows(options.orders, options.customers),
  };
  const peers = [];
  for (const name of options.peers) {
    if (interrupted) break;
    peers.push(await benchPeer(PEERS[name], backroom, data, options));
  }
  await cleanUp();
  closeLoadWorker();
  const rows = ratioRows(peers);
  printPeersTable(rows, peers);
  const endLoad = load1();
  log(`load average at the start ${startLoad.join(" ")}, at the end ${endLoad.join(" ")} (1, 5, 15 min)`);
  const file = writePeersJson({
    options,
    loadavg: { start: startLoad, end: endLoad },
    backroom: { version, store: "sqlite" },
    peers,
    rows,
  });
  log(`wrote ${file}`);
  // A peer that could not run is reported above, not a failure, unless none could: then the run
  // measured nothing. Backroom's own trouble fails the run (main's catch).
  if (peers.every((p) => !p.available)) process.exitCode = 1;
}

main().catch(async (err) => {
  console.error(`[peers] ${err.message}`);
  await cleanUp();
  closeLoadWorker();
  process.exitCode = 1;
});
