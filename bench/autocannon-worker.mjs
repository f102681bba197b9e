// Runs one autocannon measurement in its own process (pinned to its own CPU by the orchestrator),
// so the load generator never shares an event loop with anything else.
// Input: one JSON spec on stdin. Output: one JSON line of results on stdout.
import autocannon from "autocannon";

async function readStdin() {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

const spec = await readStdin();
const { paths } = spec;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  pipelining: 1,
  headers: spec.headers,
  requests: [
    {
      method: spec.method,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      // A different path per request (e.g. a random record id) without rebuilding anything else.
      setupRequest: (request) => {
        request.path = paths[Math.floor(Math.random() * paths.length)];
        return request;
      },
    },
  ],
});

process.stdout.write(
  `${JSON.stringify({
    // Completed requests over the measured time: also exact for runs shorter than a few seconds,
    // where autocannon's per-second average has only one or two samples.
    rps: result.requests.total / result.duration,
    p99_ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
