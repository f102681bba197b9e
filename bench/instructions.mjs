// Instructions per request under valgrind's callgrind: a measure of CPU work that, unlike req/s,
// does not move with whatever else the machine is doing, for comparing changes of a few percent.
// Usage: node bench/instructions.mjs [--scenario get-one] [--server backroom|baseline]
//        [--requests 3000] [--warmup 10000]
// Seeds a small SQLite dataset, warms the server up (JIT), then counts only the measured requests
// (instrumentation is switched on and off around them with callgrind_control). Expect ±5–10%
// between runs (timers, GC timing): compare medians of a few runs.
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
    requests: { type: "string", default: "3000" },
    warmup: { type: "string", default: "10000" },
    connections: { type: "string", default: "4" },
  },
});
const root = new URL("..", import.meta.url).pathname;
const scenario = scenarios.find((s) => s.name === values.scenario);
if (!scenario) throw new Error(`unknown scenario ${values.scenario}`);

function underCallgrind(args, out) {
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      "--smc-check=all-non-file",
      `--callgrind-out-file=${out}`,
      ...args,
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

  const load = scenario.load(seeded);
  const kind = load.requests[0];
  let fresh = 0;
  const send = async (i) => {
    const body = kind.bodies?.[i % kind.bodies.length];
    const res = await fetch(url + kind.paths[i % kind.paths.length], {
      method: kind.method,
      headers: { ...load.headers, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body).replaceAll("__RAND__", `${process.pid}x${fresh++}`) : undefined,
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

  const requests = Number(values.requests);
  await fire(Number(values.warmup));
  execFileSync("callgrind_control", ["-i", "on", String(target.pid)], { stdio: "ignore" });
  await fire(requests);
  execFileSync("callgrind_control", ["-i", "off", String(target.pid)], { stdio: "ignore" });
  execFileSync("callgrind_control", ["-d", String(target.pid)], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 1000));
  let total = 0;
  for (const name of readdirSync(dir).filter((f) => f.includes(".cg"))) {
    const counted = /^totals: (\d+)/m.exec(readFileSync(join(dir, name), "utf8"));
    if (counted) total = Math.max(total, Number(counted[1]));
  }
  console.log(
    `${values.server} ${values.scenario}: ${Math.round(total / requests).toLocaleString("en-US")} instructions per request`,
  );
} finally {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
