// The writer of the fan-out benchmark: creates records at a fixed rate on a schedule that does not
// wait for answers (an open loop, so a slow server shows as latency, not as fewer writes), and
// notes per write when it was sent and when its answer (hence its commit) came back.
import http from "node:http";
import { eventId, monotonicMs } from "./event-ids.mjs";

/**
 * Writes `rate × seconds` records to `orders`, ids named by `run`. Returns per write index the
 * send time and the answer time (monotonic ms), and the writes that failed.
 */
export async function writeAtRate({ baseUrl, token, run, rate, seconds }) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const total = Math.round(rate * seconds);
  const sendTimes = new Array(total).fill(null);
  const answerTimes = new Array(total).fill(null);
  const failures = [];
  const interval = 1000 / rate;
  const started = monotonicMs();
  const pending = [];
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - monotonicMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({ id: eventId(run, i), note: `write ${i}`, total: i });
    sendTimes[i] = monotonicMs();
    pending.push(
      post(url, agent, token, body).then(
        (status) => {
          answerTimes[i] = monotonicMs();
          if (status !== 200) failures.push(`write ${i} answered ${status}`);
        },
        (err) => failures.push(`write ${i}: ${err.message}`),
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { total, sendTimes, answerTimes, failures };
}

function post(url, agent, token, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: "/api/collections/orders/records",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: token,
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
