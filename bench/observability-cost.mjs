// What metrics (and tracing) cost a request: one Backroom server, one store, the get-one and create
// scenarios measured with `settings.metrics.enabled` off and on in alternating rounds (off, on, off,
// on, …), so drift of a shared machine falls on both sides alike. With --tracing, a second server
// started with OTEL_EXPORTER_OTLP_ENDPOINT (spans sent to a local sink that discards them) is
// measured against the first in the same alternation.
// Usage: node bench/observability-cost.mjs [--store sqlite|postgres] [--rounds 5] [--seconds 3] [--tracing]
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import PocketBase from "pocketbase";
import { closeLoadWorker, loadWorkerPid, measure, median } from "./load.mjs";
import { freePort, killAll, runNode, startNode, stop, waitForHealth, waitIdle } from "./processes.mjs";
import createScenario from "./scenarios/create.mjs";
import getOneScenario from "./scenarios/get-one.mjs";
import { SUPERUSER, seed } from "./seed.mjs";
import { createStore } from "./stores.mjs";

const root = new URL("..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const { values: args } = parseArgs({
  options: {
    store: { type: "string", default: "sqlite" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "16" },
    tracing: { type: "boolean", default: false },
  },
});
const rounds = Number(args.rounds);
const load = {
  connections: Number(args.connections),
  warmupSeconds: 0.5,
  runSeconds: Number(args.seconds),
  runs: 1,
};
const log = (message) => console.log(`[observability-cost] ${message}`);
process.on("exit", killAll);

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** An OTLP/HTTP endpoint that accepts and drops every export (tracing's cost without a collector's). */
async function otlpSink() {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function startBackroom(store, env = {}) {
  const port = await freePort();
  const child = startNode([BACKROOM, "serve", "--http", `127.0.0.1:${port}`, ...store.flags], {
    cpu: 0,
    cwd: root,
    label: "backroom",
    env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`);
  return { child, url };
}

const store = createStore(args.store);
const sink = args.tracing ? await otlpSink() : undefined;
try {
  await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
    label: "superuser",
  });
  const plain = await startBackroom(store);
  const seeded = await seed({
    baseUrl: plain.url,
    connection: store.connection,
    orders: 10_000,
    customers: 500,
  });
  const admin = new PocketBase(plain.url);
  await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  const traced = sink
    ? await startBackroom(store, {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_SERVICE_NAME: "backroom-bench",
      })
    : undefined;

  const variants = [
    { name: "metrics off", server: plain, metrics: false },
    { name: "metrics on", server: plain, metrics: true },
    ...(traced ? [{ name: "metrics off, tracing on", server: traced, metrics: false }] : []),
  ];
  const results = {};
  for (const scenario of [getOneScenario, createScenario]) {
    const scenarioLoad = scenario.load(seeded);
    for (const variant of variants)
      await measure(variant.server.url, scenarioLoad, { ...load, runSeconds: 1 });
    for (let round = 0; round < rounds; round++) {
      for (const variant of variants) {
        await admin.settings.update({ metrics: { enabled: variant.metrics } });
        // Settings are cached for up to 2 s by each server.
        await new Promise((r) => setTimeout(r, 2100));
        if (scenario.writes) await waitIdle(variant.server.child.pid, { quietMs: 300 });
        const generator = loadWorkerPid();
        const cpuBefore = cpuSeconds(generator);
        const started = Date.now();
        const result = await measure(variant.server.url, scenarioLoad, load);
        const generatorCpu = (cpuSeconds(generator) - cpuBefore) / ((Date.now() - started) / 1000);
        const key = `${scenario.name} / ${variant.name}`;
        results[key] ??= { rps: [], p99: [], generatorCpu: [], failed: 0 };
        results[key].rps.push(result.rps);
        results[key].p99.push(result.p99_ms);
        results[key].generatorCpu.push(generatorCpu);
        results[key].failed += result.failed;
        log(
          `${key}: ${Math.round(result.rps)} req/s, p99 ${result.p99_ms} ms, generator CPU ${(generatorCpu * 100).toFixed(0)}%`,
        );
      }
    }
  }
  console.log(
    `\n${args.store}, ${rounds} alternating rounds of ${args.seconds} s, ${load.connections} connections:`,
  );
  for (const scenario of [getOneScenario, createScenario]) {
    const off = results[`${scenario.name} / metrics off`];
    for (const [key, r] of Object.entries(results).filter(([k]) => k.startsWith(`${scenario.name} /`))) {
      const ratio = median(r.rps) / median(off.rps);
      console.log(
        `  ${key.padEnd(38)} median ${Math.round(median(r.rps))} req/s (runs ${r.rps.map(Math.round).join(", ")}), ` +
          `p99 ${median(r.p99)} ms, ratio to off ${ratio.toFixed(3)}, generator CPU ${(median(r.generatorCpu) * 100).toFixed(0)}%` +
          (r.failed ? `, ${r.failed} FAILED` : ""),
      );
    }
  }
  await stop(plain.child);
  if (traced) await stop(traced.child);
} finally {
  closeLoadWorker();
  sink?.close();
  await store.cleanup();
}
