// One measurement of one server under one scenario: a warm-up, then several runs, summarized by
// their medians (a single run on a shared 2-core machine is too noisy to compare). All runs go
// through one autocannon worker process, so a measurement pays for one process start.
import { rssMiB, startNode } from "./processes.mjs";

const WORKER = new URL("./autocannon-worker.mjs", import.meta.url).pathname;
const LOAD_CPU = 1;
const RSS_SAMPLE_MS = 100;

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

export const median = (values) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Loads `baseUrl` with a scenario's load (`{ headers, requests }`, see scenarios/index.mjs).
 * Resolves with the median req/s, p50 and p99 latency, the failed requests (non-2xx, socket
 * errors, timeouts) over all runs, warm-up included, and with `rssPid`, the highest resident
 * memory of that process seen while the load ran.
 */
export async function measure(
  baseUrl,
  load,
  { connections, warmupSeconds, runSeconds, runs },
  { rssPid } = {},
) {
  // Warm-up lets V8 optimize the hot paths and fills caches before anything counts.
  const durations = [...(warmupSeconds > 0 ? [warmupSeconds] : []), ...Array(runs).fill(runSeconds)];
  let maxRss;
  const sampleRss = () => {
    const rss = rssPid === undefined ? undefined : rssMiB(rssPid);
    if (rss !== undefined) maxRss = Math.max(maxRss ?? 0, rss);
  };
  const sampler = rssPid === undefined ? undefined : setInterval(sampleRss, RSS_SAMPLE_MS);
  let all;
  try {
    all = await runWorker({
      url: baseUrl,
      connections,
      durations,
      headers: load.headers,
      // Only what the worker needs: no check functions.
      requests: load.requests.map(({ method, paths, bodies, weight }) => ({ method, paths, bodies, weight })),
    });
  } finally {
    if (sampler) clearInterval(sampler);
  }
  sampleRss();
  const failed = all.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  const results = all.slice(warmupSeconds > 0 ? 1 : 0);
  return {
    rps: median(results.map((r) => r.rps)),
    p50_ms: median(results.map((r) => r.p50_ms)),
    p99_ms: median(results.map((r) => r.p99_ms)),
    failed,
    runs: results.map((r) => Math.round(r.rps)),
    ...(maxRss === undefined ? {} : { maxRssMiB: maxRss }),
  };
}
