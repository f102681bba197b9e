// One load-generator process of the realtime fan-out benchmark (the orchestrator starts several):
// opens SSE connections the way the SDK does (GET /api/realtime, then POST the subscription), and
// notes when each event reaches each connection. It must stay cheap so it is not what gets measured:
// raw sockets instead of an HTTP client, no JSON.parse per event (the record id is found with
// indexOf), one clock reading per received chunk. The chunked transfer framing is not decoded: the
// server writes whole frames per chunk, and a chunk-size line can neither contain a record id nor
// end a frame. Talks to the orchestrator in JSON lines.
import http from "node:http";
import net from "node:net";
import { createInterface } from "node:readline";
import { eventIndexOf, ID_MARKER, monotonicMs } from "./event-ids.mjs";

const [baseUrl, token] = process.argv.slice(2);
const url = new URL(baseUrl);
const port = Number(url.port);
const postAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const sockets = [];

/** Arrivals of the current run: event index and time, appended by every connection. */
let run = "";
let arrivedIndex = new Int32Array(1 << 16);
let arrivedAt = new Float64Array(1 << 16);
let arrived = 0;

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function noteArrival(index, at) {
  if (arrived === arrivedIndex.length) {
    const grownIndex = new Int32Array(arrived * 2);
    const grownAt = new Float64Array(arrived * 2);
    grownIndex.set(arrivedIndex);
    grownAt.set(arrivedAt);
    arrivedIndex = grownIndex;
    arrivedAt = grownAt;
  }
  arrivedIndex[arrived] = index;
  arrivedAt[arrived] = at;
  arrived++;
}

/** Scans the complete frames of `text` for event record ids of the current run. */
function scanFrames(text, at) {
  let from = text.indexOf(ID_MARKER);
  while (from !== -1) {
    const index = eventIndexOf(text, from, run);
    if (index >= 0) noteArrival(index, at);
    from = text.indexOf(ID_MARKER, from + ID_MARKER.length);
  }
}

function openSubscriber() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, url.hostname);
    socket.setNoDelay(true);
    let pending = "";
    let subscribed = false;
    socket.on("error", (err) => (subscribed ? send({ log: `socket error: ${err.message}` }) : reject(err)));
    socket.on("connect", () => {
      socket.write(`GET /api/realtime HTTP/1.1\r\nHost: ${url.host}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    socket.on("data", (chunk) => {
      const at = monotonicMs();
      pending += chunk.toString("latin1");
      if (!subscribed) {
        // The first frame is PB_CONNECT with the client id; nothing else can arrive before the POST.
        const match = /event:PB_CONNECT\ndata:\{"clientId":"([^"]+)"\}\n\n/.exec(pending);
        if (!match) return;
        subscribed = true;
        pending = pending.slice(match.index + match[0].length);
        subscribe(match[1]).then(() => resolve(socket), reject);
        return;
      }
      // Only complete frames are scanned; a frame split across reads waits for its end.
      const end = pending.lastIndexOf("\n\n");
      if (end === -1) return;
      scanFrames(pending.slice(0, end), at);
      pending = pending.slice(end + 2);
    });
    sockets.push(socket);
  });
}

function subscribe(clientId) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ clientId, subscriptions: ["orders/*"] });
    const req = http.request(
      {
        host: url.hostname,
        port,
        path: "/api/realtime",
        method: "POST",
        agent: postAgent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: token,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 204 ? resolve() : reject(new Error(`subscribe answered ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function connect(count) {
  // A few dozen at a time: bursts of thousands would measure connection setup, not fan-out.
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, openSubscriber));
  }
}

/**
 * This run's arrivals against the writer's send times: every latency (ms, 0.01 precision), and per
 * write the time its last subscriber here got it.
 */
function latencies(sendTimes) {
  const out = new Array(arrived);
  const lastArrival = new Array(sendTimes.length).fill(null);
  for (let i = 0; i < arrived; i++) {
    const index = arrivedIndex[i];
    const sent = sendTimes[index];
    out[i] = sent === undefined || sent === null ? null : Math.round((arrivedAt[i] - sent) * 100) / 100;
    if (index < lastArrival.length) lastArrival[index] = Math.max(lastArrival[index] ?? 0, arrivedAt[i]);
  }
  return { latencies: out, lastArrival };
}

createInterface({ input: process.stdin }).on("line", async (line) => {
  const command = JSON.parse(line);
  try {
    if (command.op === "connect") {
      await connect(command.count);
      send({ ok: true, connected: sockets.length });
    } else if (command.op === "arm") {
      run = command.run;
      arrived = 0;
      send({ ok: true });
    } else if (command.op === "count") {
      send({ ok: true, arrived });
    } else if (command.op === "collect") {
      send({ ok: true, arrived, ...latencies(command.sendTimes) });
    } else if (command.op === "exit") {
      for (const s of sockets) s.destroy();
      process.exit(0);
    }
  } catch (err) {
    send({ ok: false, error: String(err?.message ?? err) });
  }
});
send({ ready: true });
