// Instructions per request under valgrind's callgrind: a measure of CPU work that, unlike req/s,
// does not move with whatever else the machine is doing, for comparing changes of a few percent.
// Usage: node bench/instructions.mjs [--scenario get-one[,list,create]] [--server backroom|baseline]
//        [--requests 300] [--windows 5] [--warmup 500] [--connections 1] [--json]
//        [--turbofan]   let V8 optimize as in production (the count then moves with JIT timing)
//        [--node-flags="--predictable …"]   more V8/Node flags for the server under test (experiments)
// Seeds a small SQLite dataset, warms the server up (JIT), then counts only the measured requests
// (instrumentation is switched on and off around them with callgrind_control). Several scenarios
// share one server (one start, one seeding), each measured in turn.
//
// What keeps the count steady on a busy machine (bench/README.md has the spreads measured):
// - one connection: each request is handled alone, so how many arrive per event-loop turn (which
//   moves with the machine's load) doesn't change the count;
// - V8 without background threads (--single-threaded): compilation and GC work happen on the main
//   thread in the same order each run, not in helper threads timed by the scheduler;
// - no optimizing JIT (BASELINE_TIER below): what was compiled when stops mattering after a short
//   warm-up;
// - only the main thread is counted (--separate-threads=yes, the dump of thread 1): the SQLite
//   checkpoint worker and libuv's pool run on their own clocks, not per request;
// - several measured windows of `--requests` each, and the median of their per-request counts: a
//   window with a one-off cost (a rarely taken branch compiled late, an inline cache going
//   megamorphic) is an outlier, not the result;
// - a full GC before each window (the preload bench/instructions-preload.cjs, SIGUSR2): each window
//   starts from the same heap, so a major GC owed to earlier garbage does not fall into one window
//   and not another; the scavenges the window's own allocations cause are counted, as they should,
//   in a young generation of fixed size (FIXED_YOUNG_GENERATION below);
// - each window starts with the request log's buffer empty (a pause longer than its 1 s flush) and
//   stays counted until its own entries are flushed, so every window pays for exactly its rows;
// - the server's timers (job polls, log flushes, checkpoints) cost instructions per second, not per
//   request, and a request under valgrind takes longer on a busy machine: the idle rate is counted
//   over a quiet window right before each measured one, and that rate × the measured window's
//   duration is taken off.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, runNode, waitForHealth } from "./processes.mjs";
import { scenarios } from "./scenarios/index.mjs";
import { SUPERUSER, seed } from "./seed.mjs";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "get-one" },
    server: { type: "string", default: "backroom" },
    requests: { type: "string", default: "300" },
    windows: { type: "string", default: "5" },
    warmup: { type: "string", default: "500" },
    connections: { type: "string", default: "1" },
    "idle-ms": { type: "string", default: "2000" },
    turbofan: { type: "boolean", default: false },
    "node-flags": { type: "string", default: "" },
    json: { type: "boolean", default: false },
  },
});
const root = new URL("..", import.meta.url).pathname;
const selected = values.scenario.split(",").map((name) => {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  return scenario;
});
/** Longer than the request log writer's flush interval (1 s): its buffer is empty after this. */
const SETTLE_MS = 1500;
/**
 * V8 runs the server's JavaScript as Sparkplug (baseline) code from its first call and never
 * optimizes it with Turbofan: with optimizing on, the count depended on which functions V8 had
 * optimized (or thrown away again) by then, and compiling on the main thread fell into some windows
 * and not others. Baseline code runs every bytecode of the request's work, so a change that makes a
 * request do more still shows (more than it would in optimized code); gains that only Turbofan gives
 * (inlining, a monomorphic property load becoming one instruction) do not.
 */
const BASELINE_TIER = ["--max-opt=1", "--always-sparkplug"];
/**
 * A young generation of one fixed size (16 MB semi-spaces, V8's largest default on 64-bit): V8
 * otherwise grows and shrinks it with survival rates and after each forced GC, and the number of
 * scavenges a window pays for (each costs what survives it) would move with that size, not with the
 * requests. Allocation still counts: a request that allocates more makes scavenges more frequent.
 */
const FIXED_YOUNG_GENERATION = ["--min-semi-space-size=16", "--max-semi-space-size=16"];
const GC_DONE = "instructions-preload: gc done";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function underCallgrind(args, out) {
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      "--separate-threads=yes",
      "--smc-check=all-non-file",
      `--callgrind-out-file=${out}`,
      args[0],
      "--single-threaded",
      "--expose-gc",
      "--require",
      `${root}bench/instructions-preload.cjs`,
      ...(values.turbofan ? [] : BASELINE_TIER),
      ...FIXED_YOUNG_GENERATION,
      ...values["node-flags"].split(" ").filter(Boolean),
      ...args.slice(1),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.output = "";
  child.stderr.on("data", (d) => {
    child.output += d;
  });
  child.label = args.join(" ");
  child.out = out;
  child.dumps = 0;
  return child;
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), "backroom-instructions-"));
const children = [];
try {
  const backroom = [`${root}bin/backroom.js`, "serve", "--dir", dir];
  await runNode([
    `${root}bin/backroom.js`,
    "superuser",
    "upsert",
    SUPERUSER.email,
    SUPERUSER.password,
    "--dir",
    dir,
  ]);
  let port = await freePort();
  const server = underCallgrind(
    ["node", ...backroom, "--http", `127.0.0.1:${port}`],
    join(dir, "backroom.cg"),
  );
  children.push(server);
  let url = `http://127.0.0.1:${port}`;
  await waitForHealth(server, `${url}/api/health`, { timeoutMs: 120_000 });
  const seeded = await seed({
    baseUrl: url,
    connection: { kind: "sqlite", file: join(dir, "data.db") },
    orders: 2000,
    customers: 100,
  });
  let target = server;
  if (values.server === "baseline") {
    port = await freePort();
    const file = join(dir, "data.db");
    target = underCallgrind(
      ["node", `${root}bench/baseline-sqlite.mjs`, "--file", file, "--port", String(port)],
      join(dir, "baseline.cg"),
    );
    children.push(target);
    url = `http://127.0.0.1:${port}`;
    await waitForHealth(target, `${url}/api/health`, { timeoutMs: 120_000 });
  }

  const callgrind = (...args) =>
    execFileSync("callgrind_control", [...args, String(target.pid)], { stdio: "ignore" });
  /**
   * The main thread's instructions since the previous dump (a dump also zeroes them). Each dump
   * writes one file per thread, `<out>.<dump>-<thread>`; thread 1 is the main thread.
   */
  const dumpCount = async () => {
    callgrind("-d");
    const file = `${target.out}.${++target.dumps}-01`;
    for (let waited = 0; waited < 60_000; waited += 100) {
      if (existsSync(file)) {
        const match = /^totals: (\d+)/m.exec(readFileSync(file, "utf8"));
        if (match) return Number(match[1]);
      }
      await sleep(100);
    }
    throw new Error(`callgrind wrote no ${file}`);
  };
  /** A full GC in the server (see bench/instructions-preload.cjs), waited for. */
  const collect = async () => {
    const before = target.output.split(GC_DONE).length;
    process.kill(target.pid, "SIGUSR2");
    for (let waited = 0; waited < 60_000; waited += 20) {
      if (target.output.split(GC_DONE).length > before) return;
      await sleep(20);
    }
    throw new Error("the server did not report its GC");
  };
  /** Counts the main thread's instructions while `work` runs; returns them and the wall time. */
  const counted = async (work) => {
    callgrind("-i", "on");
    const started = performance.now();
    await work();
    callgrind("-i", "off");
    const ms = performance.now() - started;
    return { instructions: await dumpCount(), ms };
  };

  const requests = Number(values.requests);
  const idleMs = Number(values["idle-ms"]);
  const results = [];
  for (const scenario of selected) {
    const load = scenario.load(seeded);
    const kind = load.requests[0];
    let fresh = 0;
    const send = async (i) => {
      const body = kind.bodies?.[i % kind.bodies.length];
      const res = await fetch(url + kind.paths[i % kind.paths.length], {
        method: kind.method,
        headers: { ...load.headers, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? body.replaceAll("__RAND__", `${process.pid}x${scenario.name}x${fresh++}`) : undefined,
      });
      await res.arrayBuffer();
      if (res.status >= 300) throw new Error(`${kind.method} ${kind.paths[0]}: HTTP ${res.status}`);
    };
    const fire = async (count) => {
      let next = 0;
      const worker = async () => {
        while (next < count) await send(next++);
      };
      await Promise.all(Array.from({ length: Number(values.connections) }, worker));
    };

    await fire(Number(values.warmup));
    await dumpCount(); // whatever was counted before (nothing: instrumentation is off)
    const windows = [];
    for (let w = 0; w < Number(values.windows); w++) {
      await collect();
      await sleep(SETTLE_MS); // the log entries of the requests before are flushed, uncounted
      // The idle rate: instructions per millisecond with no request, timers only.
      const idle = await counted(() => sleep(idleMs));
      // The window: its requests, then a pause for the log writer to flush their entries.
      const busy = await counted(async () => {
        await fire(requests);
        await sleep(SETTLE_MS);
      });
      const idlePerMs = idle.instructions / idle.ms;
      windows.push({
        per_request: (busy.instructions - idlePerMs * busy.ms) / requests,
        uncorrected: busy.instructions / requests,
        idle_per_ms: idlePerMs,
        ms_per_request: (busy.ms - SETTLE_MS) / requests,
      });
    }
    const perRequest = Math.round(median(windows.map((w) => w.per_request)));
    const result = {
      scenario: scenario.name,
      server: values.server,
      instructions_per_request: perRequest,
      windows: windows.map((w) => Math.round(w.per_request)),
      uncorrected: Math.round(median(windows.map((w) => w.uncorrected))),
      idle_per_ms: Math.round(median(windows.map((w) => w.idle_per_ms))),
      ms_per_request: Number(median(windows.map((w) => w.ms_per_request)).toFixed(2)),
    };
    results.push(result);
    if (!values.json) {
      const n = (x) => x.toLocaleString("en-US");
      console.log(
        `${values.server} ${scenario.name}: ${n(perRequest)} instructions per request, median of ` +
          `${windows.length} windows of ${requests} (${result.windows.map(n).join(", ")}; ` +
          `${n(result.uncorrected)} before taking off the idle timers' ${n(result.idle_per_ms)}/ms × ${result.ms_per_request} ms)`,
      );
    }
  }
  if (values.json) console.log(JSON.stringify({ node: process.version, results }));
} finally {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
