// Runs autocannon measurements in their own process (pinned to its own CPU by the orchestrator),
// so the load generator never shares an event loop with anything else.
// Input: one JSON spec on stdin (bodies are JSON text, sent with content-type application/json):
//   { url, connections, durations: [seconds…], headers,
//     requests: [{ method, paths: [...], bodies?: [...], weight? }] }
// One run per entry of `durations`, back to back (the first is usually the warm-up).
// Output: one JSON line on stdout: an array with the result of each run.
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";

async function readStdin() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

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
    pipelining: 1,
    requests: [{ setupRequest: picker(spec.requests, spec.headers ?? {}) }],
  });
}

const spec = await readStdin();
const results = [];
for (const seconds of spec.durations) {
  const result = await runOnce(spec, seconds);
  results.push({
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
