// One measurement of one server under one scenario: a warm-up, then several runs, summarized by
// their medians (a single run on a shared 2-core machine is too noisy to compare).
import { startNode } from "./processes.mjs";

const WORKER = new URL("./autocannon-worker.mjs", import.meta.url).pathname;
const LOAD_CPU = 1;

function runWorker(spec) {
  const child = startNode([WORKER], { cpu: LOAD_CPU, label: "autocannon", stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stdin.end(JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0)
        return reject(new Error(`autocannon worker failed (exit ${code}): ${child.output.trim()}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop()));
      } catch {
        reject(new Error(`autocannon worker printed no result: ${stdout.slice(0, 500)}`));
      }
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Loads `baseUrl` with the scenario's requests. Resolves with the median req/s and p99 latency and
 * the number of failed requests (non-2xx, socket errors, timeouts) over all runs, warm-up included.
 */
export async function measure(baseUrl, requests, { connections, warmupSeconds, runSeconds, runs }) {
  const spec = { url: baseUrl, connections, ...requests };
  let failed = 0;
  const count = (r) => {
    failed += r.non2xx + r.errors + r.timeouts;
    return r;
  };
  // Warm-up lets V8 optimize the hot paths and fills caches before anything counts.
  if (warmupSeconds > 0) count(await runWorker({ ...spec, seconds: warmupSeconds }));
  const results = [];
  for (let i = 0; i < runs; i++) results.push(count(await runWorker({ ...spec, seconds: runSeconds })));
  return {
    rps: median(results.map((r) => r.rps)),
    p99_ms: median(results.map((r) => r.p99_ms)),
    failed,
    runs: results.map((r) => Math.round(r.rps)),
  };
}
