// Runs autocannon measurements in their own process (pinned to its own CPU by the orchestrator),
// so the load generator never shares an event loop with anything else.
// Input: one JSON spec per line on stdin (bodies are JSON text, sent as application/json):
//   { url, connections, durations: [seconds…], headers,
//     requests: [{ method, paths: [...], bodies?: [...], weight? }] }
// One run per entry of `durations`, back to back (the first is usually the warm-up).
// Output: per spec, one JSON line on stdout: an array with the result of each run, with the CPU
// this process used during the run as a percentage of one core (near 100, the generator is what
// caps the figures, not the server).
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

/** Bodies may carry `__RAND__`, replaced per request so writes never repeat a value. */
const RAND = "__RAND__";
const rand = () => randomBytes(6).toString("hex");

/** Picks a request kind by weight, then a path and a body at random: a mix in one autocannon request. */
function picker(requests, headers) {
  // Fresh headers per request: autocannon writes Content-Length into the object it is given.
  const withBody = { ...headers, "content-type": "application/json" };
  const kinds = requests.map((r) => ({
    method: r.method,
    paths: r.paths,
    bodies: r.bodies ?? [],
    weight: r.weight ?? 1,
    hasRand: (r.bodies ?? []).some((b) => b.includes(RAND)),
  }));
  const total = kinds.reduce((sum, k) => sum + k.weight, 0);
  const any = (list) => list[Math.floor(Math.random() * list.length)];
  return (request) => {
    let roll = Math.random() * total;
    let kind = kinds[kinds.length - 1];
    for (const k of kinds) {
      roll -= k.weight;
      if (roll < 0) {
        kind = k;
        break;
      }
    }
    request.method = kind.method;
    request.path = any(kind.paths);
    if (kind.bodies.length > 0) {
      const body = any(kind.bodies);
      request.body = kind.hasRand ? body.replaceAll(RAND, rand()) : body;
      request.headers = { ...withBody };
    } else {
      request.body = undefined;
      request.headers = { ...headers };
    }
    return request;
  };
}

function runOnce(spec, seconds) {
  return autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    // autocannon stops at the first sample tick after `duration`: with its default 1 s ticks a
    // 0.75 s run would last 1 s. Fine ticks keep short runs short (req/s is total ÷ elapsed anyway).
    sampleInt: 100,
    pipelining: 1,
    requests: [{ setupRequest: picker(spec.requests, spec.headers ?? {}) }],
  });
}

// One spec per line; the process stays up between measurements (one process start per run of the
// benchmark, not per measurement) and ends with its input.
const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
for await (const line of lines) {
  if (line.trim() === "") continue;
  const spec = JSON.parse(line);
  const results = [];
  for (const seconds of spec.durations) {
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const result = await runOnce(spec, seconds);
    const cpu = process.cpuUsage(cpuBefore);
    const wallMs = performance.now() - wallBefore;
    results.push({
      cpu_pct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      // Completed requests over the measured time: also exact for runs shorter than a few seconds,
      // where autocannon's per-second average has only one or two samples.
      rps: result.requests.total / result.duration,
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    });
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
