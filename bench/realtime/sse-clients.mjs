// Load-generator side of the realtime fan-out benchmark, run as its own process (pinned to the
// other CPU): opens N SSE connections the way the SDK does (GET, then POST the subscription),
// then, on command, writes records at a fixed rate and measures how long each event takes to reach
// every subscriber. Talks to the orchestrator with JSON lines on stdin/stdout.
import http from "node:http";
import { createInterface } from "node:readline";

const [baseUrl, token] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const url = new URL(baseUrl);
const latencies = [];
const sockets = [];
let expectedPerEvent = 0;

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function openSubscriber() {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: "/api/realtime", agent }, (res) => {
      res.setEncoding("utf8");
      let buffer = "";
      let subscribed = false;
      res.on("data", (chunk) => {
        buffer += chunk;
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          const event = /^event:(.*)$/m.exec(frame)?.[1];
          const data = /^data:(.*)$/m.exec(frame)?.[1];
          if (event === "PB_CONNECT" && !subscribed) {
            subscribed = true;
            const { clientId } = JSON.parse(data);
            subscribe(clientId).then(() => resolve(res), reject);
          } else if (event === "orders/*" && data) {
            // The writer put its send time (this process's clock) into the record's note.
            const start = Number(JSON.parse(data).record?.note);
            if (Number.isFinite(start)) latencies.push(performance.now() - start);
          }
        }
      });
      sockets.push(res);
    });
    req.on("error", reject);
  });
}

function subscribe(clientId) {
  return fetch(`${baseUrl}/api/realtime`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: token },
    body: JSON.stringify({ clientId, subscriptions: ["orders/*"] }),
  }).then((r) => {
    if (r.status !== 204) throw new Error(`subscribe answered ${r.status}`);
  });
}

async function connect(count) {
  // A few dozen at a time: connection setup, not the fan-out, is what this step would measure otherwise.
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, openSubscriber));
  }
  expectedPerEvent = sockets.length;
}

async function write(ratePerSecond, seconds) {
  latencies.length = 0;
  const total = Math.round(ratePerSecond * seconds);
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      fetch(`${baseUrl}/api/collections/orders/records`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: token },
        body: JSON.stringify({ note: String(performance.now()), total: i }),
      }).then((r) => {
        if (!r.ok) throw new Error(`write answered ${r.status}`);
        return r.arrayBuffer();
      }),
    );
  }
  await Promise.all(pending);
  // Let the last events arrive.
  const deadline = performance.now() + 10_000;
  while (latencies.length < total * expectedPerEvent && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
  return {
    writes: total,
    deliveries: sorted.length,
    expected: total * expectedPerEvent,
    p50: pick(0.5),
    p99: pick(0.99),
  };
}

createInterface({ input: process.stdin }).on("line", async (line) => {
  const command = JSON.parse(line);
  try {
    if (command.op === "connect") {
      await connect(command.count);
      send({ ok: true, connected: sockets.length });
    } else if (command.op === "write") {
      send({ ok: true, ...(await write(command.rate, command.seconds)) });
    } else if (command.op === "exit") {
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  } catch (err) {
    send({ ok: false, error: String(err?.message ?? err) });
  }
});
send({ ready: true });
