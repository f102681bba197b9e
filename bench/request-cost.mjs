// Server CPU time per request over HTTP, for this checkout's build and, with --before, another's:
// each build serves its own freshly seeded store (same data shape), the load generator sends one
// scenario's requests, and the server process's user + system time (all its threads: GC helpers
// and workers count) is divided by the requests it answered. Builds take turns, round after round,
// and the one not measured is frozen, so both see the same machine. On a busy or noisy machine
// req/s mostly measures the scheduler; CPU time per request still compares builds.
//
// Usage: node bench/request-cost.mjs [--before DIR] [--scenarios get-one,list] [--rounds N]
//                                     [--seconds S] [--store sqlite|postgres]
//   --before DIR   also measure DIR's build (DIR/bin/backroom.js), e.g. a worktree of an older commit
//   --profile DIR  run each server under --cpu-prof, profiles in DIR/<build> (summarize them with
//                  bench/profile-summary.mjs)
//   --request-log off  every build stores no request log entries (settings logs.maxDays 0): compare
//                  with a run left on to see what the log costs a request
// On PostgreSQL each build connects with its own application_name, and the CPU time of its
// backends (/proc/<pid>/stat of the pg_stat_activity rows with that name) is reported per request
// too ("pg"): what the database spends parsing, planning and running the build's statements.
import { readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { closeLoadWorker, measure, median } from "./load.mjs";
import {
  freePort,
  killAll,
  pause,
  readStat,
  resume,
  runNode,
  startNode,
  stop,
  waitForHealth,
} from "./processes.mjs";
import { scenarios } from "./scenarios/index.mjs";
import { SUPERUSER, seed } from "./seed.mjs";
import { createStore } from "./stores.mjs";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    scenarios: { type: "string", default: "get-one,list" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "2" },
    store: { type: "string", default: "sqlite" },
    connections: { type: "string", default: "16" },
    profile: { type: "string" },
    "request-log": { type: "string", default: "on" },
  },
});
if (!["on", "off"].includes(values["request-log"])) throw new Error("--request-log takes on or off");
const here = resolve(new URL("..", import.meta.url).pathname);
const builds = [...(values.before ? [["before", resolve(values.before)]] : []), ["this", here]];
const chosen = values.scenarios.split(",").map((name) => {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  return scenario;
});
const TICK_US = 10_000; // /proc clock ticks are 1/100 s on Linux
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU ticks per thread of a process, keyed by thread id, with each thread's name: the main thread
 * is the process id; V8's GC and compiler helpers, libuv's pool and worker threads have their own.
 */
function threadTicks(pid) {
  const threads = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const { name, user, system } = readStat(`/proc/${pid}/task/${tid}/stat`);
      threads.set(tid, { name: tid === String(pid) ? "main" : name, ticks: user + system });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads;
}

/** Ticks used between two threadTicks readings, summed by thread name. */
function ticksByName(before, after) {
  const byName = {};
  for (const [tid, { name, ticks }] of after)
    byName[name] = (byName[name] ?? 0) + ticks - (before.get(tid)?.ticks ?? 0);
  return byName;
}

/** CPU ticks per PostgreSQL backend of one build, keyed by backend pid. */
async function backendTicks(server) {
  if (!server.pg) return new Map();
  const { rows } = await server.pg.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [
    server.appName,
  ]);
  const ticks = new Map();
  for (const { pid } of rows) {
    try {
      const { user, system } = readStat(`/proc/${pid}/stat`);
      ticks.set(pid, user + system);
    } catch {
      // the backend ended meanwhile, or runs on another machine
    }
  }
  return ticks;
}

/** Ticks the backends used between two backendTicks readings (a backend new since counts whole). */
function backendDelta(before, after) {
  let sum = 0;
  for (const [pid, ticks] of after) sum += ticks - (before.get(pid) ?? 0);
  return sum;
}

async function startBuild(label, root) {
  const store = createStore(values.store);
  // Its backends are told apart by application_name (the server takes it from the URL).
  const appName = `bench-cost-${label}-${process.pid}`;
  if (store.kind === "postgres")
    store.flags = store.flags.map((f) =>
      f === store.connection.url ? `${f}${f.includes("?") ? "&" : "?"}application_name=${appName}` : f,
    );
  const bin = `${root}/bin/backroom.js`;
  await runNode([bin, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
    label: `${label} superuser upsert`,
  });
  const port = await freePort();
  const profile = values.profile ? ["--cpu-prof", "--cpu-prof-dir", resolve(values.profile, label)] : [];
  const child = startNode([...profile, bin, "serve", "--http", `127.0.0.1:${port}`, ...store.flags], {
    cpu: 0,
    cwd: root,
    label,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`);
  const seeded = await seed({ baseUrl: url, connection: store.connection, orders: 10_000, customers: 1000 });
  if (values["request-log"] === "off") await requestLogOff(url);
  let client;
  if (store.kind === "postgres") {
    client = new pg.Client({ connectionString: store.connection.url });
    await client.connect();
  }
  return { label, child, url, seeded, store, pg: client, appName };
}

/** Stops storing requests in the request log (`logs.maxDays: 0`), to see what logging costs. */
async function requestLogOff(url) {
  const json = { "content-type": "application/json" };
  const signIn = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ identity: SUPERUSER.email, password: SUPERUSER.password }),
  });
  const { token } = await signIn.json();
  const patched = await fetch(`${url}/api/settings`, {
    method: "PATCH",
    headers: { ...json, authorization: token },
    body: JSON.stringify({ logs: { maxDays: 0 } }),
  });
  if (!patched.ok) throw new Error(`turning the request log off failed: ${patched.status}`);
}

const servers = [];
try {
  for (const [label, root] of builds) servers.push(await startBuild(label, root));
  const options = { connections: Number(values.connections), warmupSeconds: 0, runs: 1 };
  // Warm-up: V8 optimizes the hot paths of each server before anything counts.
  for (const server of servers) {
    for (const s of servers) (s === server ? resume : pause)(s.child);
    for (const scenario of chosen)
      await measure(server.url, scenario.load(server.seeded), { ...options, runSeconds: 2 });
  }
  const results = new Map();
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const scenario of chosen) {
      for (const server of servers) {
        for (const s of servers) (s === server ? resume : pause)(s.child);
        await sleep(200);
        const before = readStat(`/proc/${server.child.pid}/stat`);
        const threadsBefore = threadTicks(server.child.pid);
        const backendsBefore = await backendTicks(server);
        const result = await measure(server.url, scenario.load(server.seeded), {
          ...options,
          runSeconds: Number(values.seconds),
        });
        const after = readStat(`/proc/${server.child.pid}/stat`);
        const threads = ticksByName(threadsBefore, threadTicks(server.child.pid));
        const backends = backendDelta(backendsBefore, await backendTicks(server));
        const requests = result.rps * Number(values.seconds);
        const perRequest = (ticks) => (ticks * TICK_US) / requests;
        const sys = perRequest(after.system - before.system);
        const us = perRequest(after.user - before.user) + sys;
        const pgUs = server.pg ? perRequest(backends) : undefined;
        const perThread = Object.entries(threads)
          .filter(([, ticks]) => ticks > 0)
          .map(([name, ticks]) => `${name} ${perRequest(ticks).toFixed(1)}`)
          .join(", ");
        const key = `${scenario.name} ${server.label}`;
        results.set(key, [
          ...(results.get(key) ?? []),
          { us, sys, pgUs, rps: result.rps, gen: result.generator_cpu_pct },
        ]);
        console.log(
          `round ${round + 1} ${key}: ${us.toFixed(1)} µs CPU/request (system ${sys.toFixed(1)})` +
            `${pgUs === undefined ? "" : `, pg ${pgUs.toFixed(1)} µs`}, ${Math.round(result.rps)} req/s, ` +
            `generator CPU ${result.generator_cpu_pct}%, failed ${result.failed}, load ${loadavg()[0].toFixed(2)}; ` +
            `by thread: ${perThread}`,
        );
      }
    }
  }
  console.log("\nmedian over rounds:");
  for (const [key, rows] of results)
    console.log(
      `  ${key.padEnd(16)} ${median(rows.map((r) => r.us)).toFixed(1)} µs CPU/request ` +
        `(system ${median(rows.map((r) => r.sys)).toFixed(1)}), ` +
        (rows[0]?.pgUs === undefined
          ? ""
          : `pg ${median(rows.map((r) => r.pgUs)).toFixed(1)} µs CPU/request, `) +
        `${Math.round(median(rows.map((r) => r.rps)))} req/s, generator CPU ${median(rows.map((r) => r.gen))}%`,
    );
} finally {
  for (const server of servers) {
    resume(server.child);
    await stop(server.child);
    await server.pg?.end();
    await server.store.cleanup();
  }
  closeLoadWorker();
  killAll();
}
