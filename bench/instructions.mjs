// Instructions per request under valgrind's callgrind: a measure of CPU work that, unlike req/s,
// does not move with whatever else the machine is doing, for comparing changes of a few percent.
// Usage: node bench/instructions.mjs [--scenario get-one[,list,create]] [--server backroom|baseline]
//        [--requests 2000] [--warmup 6000] [--connections 1] [--json]
// Seeds a small SQLite dataset, warms the server up (JIT), then counts only the measured requests
// (instrumentation is switched on and off around them with callgrind_control). Several scenarios
// share one server (one start, one seeding), each measured in turn.
//
// What keeps the count steady on a busy machine:
// - one connection: each request is handled alone, so how many arrive per event-loop turn (which
//   moves with the machine's load) doesn't change the count;
// - V8 without background threads (--single-threaded): compilation and GC work happen on the main
//   thread in the same order each run, not in helper threads timed by the scheduler;
// - the server's timers (job polls, log flushes, checkpoints) cost instructions per second, not per
//   request, and a request under valgrind takes longer on a busy machine: the idle rate is counted
//   over a quiet window right before, and that rate × the measured window's duration is taken off.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
    requests: { type: "string", default: "2000" },
    warmup: { type: "string", default: "6000" },
    connections: { type: "string", default: "1" },
    "idle-ms": { type: "string", default: "3000" },
    json: { type: "boolean", default: false },
  },
});
const root = new URL("..", import.meta.url).pathname;
const selected = values.scenario.split(",").map((name) => {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  return scenario;
});

function underCallgrind(args, out) {
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      "--smc-check=all-non-file",
      `--callgrind-out-file=${out}`,
      args[0],
      "--single-threaded",
      ...args.slice(1),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.output = "";
  child.stderr.on("data", (d) => {
    child.output += d;
  });
  child.label = args.join(" ");
  return child;
}

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
  /** Dumps the instructions counted since the previous dump (a dump also zeroes them). */
  const seen = new Set();
  const dumpCount = async () => {
    callgrind("-d");
    // Each dump is a new file (…cg.1, …cg.2), written by the server between two of its own steps.
    for (let waited = 0; waited < 60_000; waited += 100) {
      for (const name of readdirSync(dir).filter((f) => f.includes(".cg") && !seen.has(f))) {
        const match = /^totals: (\d+)/m.exec(readFileSync(join(dir, name), "utf8"));
        if (match) {
          seen.add(name);
          return Number(match[1]);
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("callgrind wrote no dump");
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
    // The idle rate: instructions per millisecond with no request, timers only.
    callgrind("-i", "on");
    let started = performance.now();
    await new Promise((r) => setTimeout(r, idleMs));
    callgrind("-i", "off");
    const idleWindow = performance.now() - started;
    const idle = await dumpCount();
    callgrind("-i", "on");
    started = performance.now();
    await fire(requests);
    callgrind("-i", "off");
    const busyWindow = performance.now() - started;
    const busy = await dumpCount();
    const idlePerMs = idle / idleWindow;
    const perRequest = Math.round((busy - idlePerMs * busyWindow) / requests);
    const result = {
      scenario: scenario.name,
      server: values.server,
      instructions_per_request: perRequest,
      uncorrected: Math.round(busy / requests),
      idle_per_ms: Math.round(idlePerMs),
      ms_per_request: Number((busyWindow / requests).toFixed(2)),
    };
    results.push(result);
    if (!values.json) {
      console.log(
        `${values.server} ${scenario.name}: ${perRequest.toLocaleString("en-US")} instructions per request ` +
          `(${result.uncorrected.toLocaleString("en-US")} before taking off the idle timers' ` +
          `${result.idle_per_ms.toLocaleString("en-US")}/ms × ${result.ms_per_request} ms)`,
      );
    }
  }
  if (values.json) console.log(JSON.stringify({ node: process.version, results }));
} finally {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
