// 1 node vs 2 nodes behind nginx (deploy/nginx/upstream.conf + backroom.conf), one PostgreSQL, same data, same load.
// Prints req/s, p50/p99 and the CPU seconds each process used during the measured runs (the load
// generator's included), so the figure can be explained: on a small machine the nodes, nginx,
// PostgreSQL and the generator share the same cores.
// Usage: npm run build && node bench/cluster/one-vs-two.mjs [--seconds 5] [--runs 3] [--connections 16]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { closeLoadWorker, loadWorkerPid, measure } from "../load.mjs";
import { freePort, killAll, runNode, startNode, stop, waitForHealth } from "../processes.mjs";
import { scenarios } from "../scenarios/index.mjs";
import { SUPERUSER, seed } from "../seed.mjs";
import { createStore } from "../stores.mjs";

const root = new URL("../..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const NGINX = "/usr/sbin/nginx";
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    runs: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    scenarios: { type: "string", default: "get-one,list" },
  },
});
const plan = {
  connections: Number(values.connections),
  warmupSeconds: 2,
  runSeconds: Number(values.seconds),
  runs: Number(values.runs),
};
const log = (m) => console.log(`[one-vs-two] ${m}`);
process.on("exit", killAll);

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
/** Busy CPU seconds of the whole machine (every process, PostgreSQL and other users included). */
function machineBusySeconds() {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const t = cpu.split(/\s+/).slice(1).map(Number);
  const idle = t[3] + t[4];
  return (t.reduce((a, b) => a + b, 0) - idle) / 100;
}

async function startNginx(upstreams) {
  const prefix = mkdtempSync(join(tmpdir(), "backroom-bench-nginx-"));
  for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(prefix, sub));
  const port = await freePort();
  const shipped = ["upstream.conf", "backroom.conf"]
    .map((f) => readFileSync(`${root}deploy/nginx/${f}`, "utf8"))
    .join("\n");
  const servers = upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=5s;`).join("\n");
  const site = shipped
    .replace(/(upstream backroom \{[^}]*?)(?:\n\s*server [^\n]*;)+/, `$1\n${servers}`)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  const conf = join(prefix, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1;\ndaemon off;\nuser root;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log warn;\n` +
      `events { worker_connections 4096; }\nhttp {\n  access_log off;\n  client_body_temp_path ${prefix}/client_body;\n` +
      `  proxy_temp_path ${prefix}/proxy;\n  fastcgi_temp_path ${prefix}/fastcgi;\n  uwsgi_temp_path ${prefix}/uwsgi;\n` +
      `  scgi_temp_path ${prefix}/scgi;\n${site}\n}\n`,
  );
  const child = spawn(NGINX, ["-p", prefix, "-c", conf, "-e", join(prefix, "error.log")], {
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`);
  return {
    url,
    pids: () => {
      try {
        const master = Number(readFileSync(`${prefix}/nginx.pid`, "utf8"));
        return [
          master,
          ...readFileSync(`/proc/${master}/task/${master}/children`, "utf8").trim().split(/\s+/).map(Number),
        ];
      } catch {
        return [];
      }
    },
    close: async () => {
      child.kill("SIGQUIT");
      await new Promise((r) => child.once("exit", r));
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function startBackroom(flags) {
  const port = await freePort();
  const child = startNode([BACKROOM, "serve", "--http", `127.0.0.1:${port}`, ...flags], {
    env: { BACKROOM_LOG_LEVEL: "warn" },
    label: `node:${port}`,
  });
  await waitForHealth(child, `http://127.0.0.1:${port}/api/health`);
  return { child, host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` };
}

const store = createStore("postgres");
const nodes = [];
const results = [];
try {
  await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
    env: { BACKROOM_LOG_LEVEL: "silent" },
  });
  nodes.push(await startBackroom(store.flags));
  const seeded = await seed({
    baseUrl: nodes[0].url,
    connection: store.connection,
    orders: 10_000,
    customers: 1_000,
    log,
  });
  for (const count of [1, 2]) {
    while (nodes.length < count) nodes.push(await startBackroom(store.flags));
    const nginx = await startNginx(nodes.map((n) => n.host));
    for (const name of values.scenarios.split(",")) {
      const scenario = scenarios.find((s) => s.name === name);
      // The generator starts with the first measurement: take its CPU from just before the runs.
      const pids = () => [...nodes.map((n) => n.child.pid), ...nginx.pids()];
      let before;
      let generatorBefore = 0;
      const load = scenario.load(seeded);
      const started = Date.now();
      const machineBefore = machineBusySeconds();
      before = pids().map(cpuSeconds);
      generatorBefore = loadWorkerPid() ? cpuSeconds(loadWorkerPid()) : 0;
      const m = await measure(nginx.url, load, plan);
      const wall = (Date.now() - started) / 1000;
      const after = pids().map(cpuSeconds);
      const used = after.map((a, i) => a - (before[i] ?? 0));
      const row = {
        nodes: count,
        scenario: name,
        rps: Math.round(m.rps),
        p50_ms: m.p50_ms,
        p99_ms: m.p99_ms,
        failed: m.failed,
        wall_s: Math.round(wall * 10) / 10,
        node_cpu_s: used.slice(0, count).map((u) => Math.round(u * 10) / 10),
        nginx_cpu_s: Math.round(used.slice(count).reduce((a, b) => a + b, 0) * 10) / 10,
        generator_cpu_s: Math.round((cpuSeconds(loadWorkerPid()) - generatorBefore) * 10) / 10,
        machine_busy_cpu_s: Math.round((machineBusySeconds() - machineBefore) * 10) / 10,
        load_avg: loadavg()[0].toFixed(1),
      };
      results.push(row);
      log(JSON.stringify(row));
    }
    await nginx.close();
  }
  console.log(
    `\n${cpus().length} CPUs; the generator is pinned to CPU 1 (autocannon, ${plan.connections} connections); nodes, nginx and PostgreSQL unpinned.`,
  );
  console.table(results);
} finally {
  closeLoadWorker();
  for (const n of nodes) await stop(n.child);
  await store.cleanup();
}
