// One measurement of one server under one scenario: a warm-up, then several runs, summarized by
// their medians (a single run on a shared 2-core machine is too noisy to compare).
import { rssMiB, startNode } from "./processes.mjs";

const WORKER = new URL("./autocannon-worker.mjs", import.meta.url).pathname;
const LOAD_CPU = 1;
const RSS_SAMPLE_MS = 100;

/**
 * The load generator: one autocannon worker process for the whole benchmark, pinned to its own
 * CPU, fed one spec per line. Measurements run one at a time.
 */
let worker;
function loadWorker() {
  if (worker && worker.child.exitCode === null) return worker;
  const child = startNode([WORKER], { cpu: LOAD_CPU, label: "autocannon", stdio: ["pipe", "pipe", "pipe"] });
  const state = { child, buffer: "", waiting: null };
  child.stdout.on("data", (chunk) => {
    state.buffer += chunk;
    const newline = state.buffer.indexOf("\n");
    if (newline < 0 || !state.waiting) return;
    const line = state.buffer.slice(0, newline);
    state.buffer = state.buffer.slice(newline + 1);
    const { resolve, reject } = state.waiting;
    state.waiting = null;
    try {
      resolve(JSON.parse(line));
    } catch {
      reject(new Error(`autocannon worker printed no result: ${line.slice(0, 500)}`));
    }
  });
  child.once("exit", (code, signal) => {
    state.waiting?.reject(
      new Error(`autocannon worker failed (${signal ?? `exit ${code}`}): ${child.output.trim()}`),
    );
    state.waiting = null;
  });
  worker = state;
  return state;
}

function runWorker(spec) {
  const state = loadWorker();
  return new Promise((resolve, reject) => {
    state.waiting = { resolve, reject };
    state.child.stdin.write(`${JSON.stringify(spec)}\n`);
  });
}

/** The load generator's process id (started on first use), to read its CPU time. */
export function loadWorkerPid() {
  return loadWorker().child.pid;
}

/** Ends the worker (at the end of the benchmark; it would keep the event loop alive). */
export function closeLoadWorker() {
  worker?.child.stdin.end();
  worker = undefined;
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
 * errors, timeouts) over all runs, warm-up included, the load generator's CPU (median of the runs,
 * % of one core), and with `rssPid`, the highest resident memory of that process seen while the
 * load ran.
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
  const sum = (key) => all.reduce((total, r) => total + r[key], 0);
  const failed = sum("non2xx") + sum("errors") + sum("timeouts");
  const results = all.slice(warmupSeconds > 0 ? 1 : 0);
  return {
    rps: median(results.map((r) => r.rps)),
    p50_ms: median(results.map((r) => r.p50_ms)),
    p99_ms: median(results.map((r) => r.p99_ms)),
    generator_cpu_pct: Math.round(median(results.map((r) => r.cpu_pct))),
    failed,
    failures: `non-2xx ${sum("non2xx")}, errors ${sum("errors")}, timeouts ${sum("timeouts")}`,
    runs: results.map((r) => Math.round(r.rps)),
    ...(maxRss === undefined ? {} : { maxRssMiB: maxRss }),
  };
}
