// Realtime fan-out benchmark. Backroom (SQLite) pinned to CPU 0; SSE subscribers spread over several
// load-generator processes (sse-clients.mjs) on the other CPUs; the writer in this process.
// Delivery latency runs from a write's send time (recorded here per record id) to the moment each
// subscriber's socket received the event, on the machine's monotonic clock. Reported with the
// write's own answer time (its commit lies between send and answer), delivered/expected, the
// server's RSS and the CPU each process used, so a reader can tell who was saturated.
// Targets from the realtime issue: p99 ≤ 200 ms at 100 writes/s with 1,000 entitled subscribers;
// 10,000 subscribers within 400 MB RSS.
//
// Usage: node bench/realtime/fanout.mjs [--smoke|--quick] [--subscribers N] [--many N] [--rate N]
//          [--seconds N] [--processes N] [--profile DIR]
//   sizes: smoke 100 subscribers × 20 writes/s × 2 s; quick 1,000 × 100/s × 5 s, then 10,000
//          connected (npm run bench's quick mode asks for 5,000); full 1,000 × 100/s × 10 s, then 10,000
//   --many N        then connect up to N subscribers in all, measure idle RSS and a few writes (0: skip)
//   --profile DIR   run the server under --cpu-prof, profiles in DIR (bench/profile-summary.mjs DIR)
//   BACKROOM_FANOUT_ROOT=DIR runs DIR/bin/backroom.js instead of this checkout's (before/after runs).
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import PocketBase from "pocketbase";
import { freePort, rssMiB, runNode, startNode, stop, waitForHealth } from "../processes.mjs";
import { cpuPercent, cpuSeconds, ensureFdLimit, runQueueWaitSeconds, summarize } from "./measure.mjs";
import { writeAtRate } from "./writer.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const SUPERUSER = { email: "fanout@backroom.test", password: "fanout-superuser-password" };
/** Once the writes are answered, how long events may still take before the rest count as lost. */
const DRAIN_MS = 15_000;

/** Drives one client process with one JSON command per line; `log` lines are passed through. */
function clientChannel(child, log) {
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.log) log(`  [${child.label}] ${message.log}`);
    else waiting.shift()?.(message);
  });
  return (command) =>
    new Promise((resolve, reject) => {
      waiting.push((m) => (m.ok === false ? reject(new Error(m.error)) : resolve(m)));
      if (command) child.stdin.write(`${JSON.stringify(command)}\n`);
    });
}

/** Splits `count` over `parts` as evenly as possible. */
const shares = (count, parts) =>
  Array.from({ length: parts }, (_, i) => Math.floor(count / parts) + (i < count % parts ? 1 : 0));

export async function runFanout({
  subscribers = 1000,
  manySubscribers = 10_000,
  rate = 100,
  seconds = 10,
  clientProcesses = 4,
  profileDir,
  log = console.log,
} = {}) {
  const serverRoot = resolve(process.env.BACKROOM_FANOUT_ROOT ?? ROOT);
  const bin = join(serverRoot, "bin/backroom.js");
  const dir = mkdtempSync(join(tmpdir(), "backroom-fanout-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  await runNode([bin, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, "--dir", dir], {
    cwd: ROOT,
  });
  const profile = profileDir ? ["--cpu-prof", "--cpu-prof-dir", resolve(profileDir)] : [];
  const server = startNode([...profile, bin, "serve", "--http", `127.0.0.1:${port}`, "--dir", dir], {
    cpu: 0,
    cwd: ROOT,
    label: "backroom (realtime)",
    env: { BACKROOM_LOG_LEVEL: "warn" },
  });
  const clients = [];
  try {
    await waitForHealth(server, `${baseUrl}/api/health`);
    const most = Math.max(subscribers, manySubscribers);
    // Every subscriber is a socket on the server; leave room for the writer, the database and files.
    const fds = ensureFdLimit(server.pid, most + 1000);
    if (fds.soft !== undefined && fds.soft < most + 1000)
      log(`realtime: server may open only ${fds.soft} files; ${most} subscribers will not all connect`);
    const token = await setUp(baseUrl);

    const cpus = availableParallelism();
    for (let i = 0; i < clientProcesses; i++) {
      const child = startNode([join(ROOT, "bench/realtime/sse-clients.mjs"), baseUrl, token], {
        cpu: cpus > 1 ? 1 + (i % (cpus - 1)) : undefined,
        cwd: ROOT,
        label: `sse clients ${i + 1}`,
        stdio: ["pipe", "pipe", "pipe"],
      });
      const ask = clientChannel(child, log);
      await ask(null); // ready
      const limit = ensureFdLimit(child.pid, Math.ceil(most / clientProcesses) + 100);
      clients.push({ child, ask, fdLimit: limit.soft ?? null });
    }
    const results = {
      setup: {
        client_processes: clientProcesses,
        cpus,
        load_average: loadAverage(),
        server_fd_limit: fds.soft ?? null,
        server_fd_limit_raised: fds.raised ?? false,
        client_fd_limits: clients.map((c) => c.fdLimit),
      },
    };
    log(
      `realtime: ${clientProcesses} client processes on CPU ${cpus > 2 ? `1–${cpus - 1}` : cpus - 1}, server on CPU 0; ` +
        `open-files limit: server ${fds.soft}${fds.raised ? " (raised)" : ""}, clients ${results.setup.client_fd_limits.join("/")}; ` +
        `load average ${results.setup.load_average.join(" ")}`,
    );

    const connected = await connectAll(clients, subscribers);
    const idle = Math.round(rssMiB(server.pid) ?? 0);
    // The same settled reading as for the larger count below, so their difference is what the
    // extra subscribers hold, not the connection burst's garbage.
    const settled = manySubscribers > subscribers ? Math.min(...(await sampleRss(server.pid, 3000))) : idle;
    // A first second of the same load, not counted: a fresh server compiles its hot paths then.
    const warm = await measureWrites({
      baseUrl,
      token,
      server,
      clients,
      connected,
      run: "w",
      rate,
      seconds: 1,
    });
    log(`realtime: warm-up (not counted), ${rate} writes in 1 s → ${describe(warm)}`);
    const hot = await measureWrites({ baseUrl, token, server, clients, connected, run: "a", rate, seconds });
    results.fanout = { subscribers: connected, rate, seconds, rss_idle_mb: idle, ...hot };
    log(`realtime: ${connected} subscribers, ${rate} writes/s for ${seconds}s → ${describe(hot)}`);
    log(`          server RSS idle ${idle} MiB, peak ${hot.rss_peak_mb} MiB`);
    log(
      `          per second, slowest write answered / reached everyone (ms): ${timelineText(hot.timeline)}`,
    );

    if (manySubscribers > subscribers) {
      const total = await connectAll(clients, manySubscribers - connected);
      // Right after the connection burst RSS still holds its garbage, until V8 collects it and gives
      // pages back (seconds, depending on load): follow it for a while and report the lowest.
      const samples = await sampleRss(server.pid, 5000);
      const idleMany = Math.min(...samples);
      const few = await measureWrites({
        baseUrl,
        token,
        server,
        clients,
        connected: total,
        run: "b",
        rate: 10,
        seconds: 2,
      });
      // What one more idle subscriber costs: the RSS difference between the two counts, per subscriber.
      const perSubscriberKiB =
        total > connected ? Math.round(((idleMany - settled) * 1024) / (total - connected)) : null;
      results.many = {
        subscribers: total,
        rss_mb: idleMany,
        rss_samples_mb: samples,
        rss_per_idle_subscriber_kib: perSubscriberKiB,
        ...few,
      };
      log(
        `realtime: ${total} subscribers idle: server RSS ${idleMany} MiB (target: 10,000 within 400 MB = 381 MiB); ` +
          `every 0.5 s after connecting: ${samples.join(" ")}; ` +
          `${perSubscriberKiB} KiB per idle subscriber (vs ${connected} subscribers: ${settled} MiB)`,
      );
      log(`          then 10 writes/s for 2s → ${describe(few)}; RSS peak ${few.rss_peak_mb} MiB`);
    }
    return results;
  } finally {
    for (const { child } of clients) {
      child.stdin.write(`${JSON.stringify({ op: "exit" })}\n`);
      await stop(child, 2000);
    }
    await stop(server, profileDir ? 30_000 : 5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A superuser opens the API and creates `orders` (list rule: any signed-in user); returns a user's token. */
async function setUp(baseUrl) {
  const admin = new PocketBase(baseUrl);
  admin.autoCancellation(false);
  await admin.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  await admin.settings.update({ rateLimits: { enabled: false } });
  const rule = '@request.auth.id != ""';
  await admin.collections.create({
    name: "orders",
    type: "base",
    fields: [
      { name: "note", type: "text" },
      { name: "total", type: "number" },
    ],
    listRule: rule,
    viewRule: rule,
    createRule: rule,
  });
  const user = new PocketBase(baseUrl);
  await user.collection("users").create({
    email: "viewer@backroom.test",
    password: "viewer-password",
    passwordConfirm: "viewer-password",
  });
  const { token } = await user
    .collection("users")
    .authWithPassword("viewer@backroom.test", "viewer-password");
  return token;
}

/** The RSS of `pid` in MiB, every half second for `ms`. */
async function sampleRss(pid, ms) {
  const samples = [];
  for (let t = 0; t < ms; t += 500) {
    await new Promise((r) => setTimeout(r, 500));
    samples.push(Math.round(rssMiB(pid) ?? 0));
  }
  return samples;
}

/** Opens `count` more subscribers spread over the client processes; returns how many are connected in all. */
async function connectAll(clients, count) {
  const counts = shares(count, clients.length);
  const answers = await Promise.all(clients.map(({ ask }, i) => ask({ op: "connect", count: counts[i] })));
  return answers.reduce((sum, a) => sum + a.connected, 0);
}

/**
 * One write phase: every client process notes arrivals of run `run`; the writer writes at `rate`;
 * then the phase waits until every subscriber has every event (or DRAIN_MS after the last answer).
 * CPU shares cover the phase from the first write to the last arrival.
 */
async function measureWrites({ baseUrl, token, server, clients, connected, run, rate, seconds }) {
  await Promise.all(clients.map(({ ask }) => ask({ op: "arm", run })));
  const load = loadAverage();
  const pids = [server.pid, ...clients.map(({ child }) => child.pid)];
  const cpuBefore = pids.map(cpuSeconds);
  const waitBefore = runQueueWaitSeconds(server.pid);
  const started = Date.now();
  let peak = Math.round(rssMiB(server.pid) ?? 0);
  const sampler = setInterval(() => {
    peak = Math.max(peak, Math.round(rssMiB(server.pid) ?? 0));
  }, 100);
  let arrived = 0;
  let written;
  try {
    written = await writeAtRate({ baseUrl, token, run, rate, seconds });
    const expected = (written.total - written.failures.length) * connected;
    const deadline = Date.now() + DRAIN_MS;
    for (;;) {
      const counts = await Promise.all(clients.map(({ ask }) => ask({ op: "count" })));
      arrived = counts.reduce((sum, c) => sum + c.arrived, 0);
      if (arrived >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    clearInterval(sampler);
  }
  const wallMs = Date.now() - started;
  const cpuAfter = pids.map(cpuSeconds);
  const waitAfter = runQueueWaitSeconds(server.pid);
  const cpu = pids.map((_, i) => cpuPercent(cpuBefore[i], cpuAfter[i], wallMs));
  const { sendTimes, answerTimes, failures } = written;
  const collected = await Promise.all(clients.map(({ ask }) => ask({ op: "collect", sendTimes })));
  const delivery = summarize(collected.flatMap((c) => c.latencies));
  const timeline = perSecond(written, collected, rate);
  const answer = summarize(answerTimes.map((t, i) => (t === null ? null : t - sendTimes[i])));
  const round = (v) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    writes: written.total,
    failed_writes: failures.length,
    first_failure: failures[0] ?? null,
    delivered: delivery.count,
    expected: (written.total - failures.length) * connected,
    p50_ms: round(delivery.p50),
    p99_ms: round(delivery.p99),
    max_ms: round(delivery.max),
    write_answer_p50_ms: round(answer.p50),
    write_answer_p99_ms: round(answer.p99),
    phase_ms: wallMs,
    cpu_server_s: round(cpuAfter[0] - cpuBefore[0]),
    cpu_server_pct: cpu[0],
    server_waited_for_cpu_s: waitBefore === undefined ? null : round(waitAfter - waitBefore),
    cpu_clients_pct: cpu.slice(1),
    rss_peak_mb: peak,
    load_average_before: load,
    timeline,
  };
}

/**
 * Per second of writing: how long its writes took to be answered and to reach every subscriber
 * (worst write of that second), to tell a server that falls behind from one that stalls now and then.
 */
function perSecond({ sendTimes, answerTimes }, collected, rate) {
  const seconds = [];
  for (let i = 0; i < sendTimes.length; i++) {
    const second = Math.floor(i / rate);
    const last = Math.max(...collected.map((c) => c.lastArrival[i] ?? Number.POSITIVE_INFINITY));
    seconds[second] ??= { answer_max_ms: 0, all_delivered_max_ms: 0 };
    const row = seconds[second];
    if (answerTimes[i] !== null)
      row.answer_max_ms = Math.max(row.answer_max_ms, answerTimes[i] - sendTimes[i]);
    row.all_delivered_max_ms = Math.max(row.all_delivered_max_ms, last - sendTimes[i]);
  }
  return seconds.map((r) => ({
    answer_max_ms: Math.round(r.answer_max_ms),
    all_delivered_max_ms: Number.isFinite(r.all_delivered_max_ms) ? Math.round(r.all_delivered_max_ms) : null,
  }));
}

const fmt = (v) => (v === null ? "–" : v.toFixed(1));
const loadAverage = () => loadavg().map((l) => Math.round(l * 100) / 100);

const timelineText = (timeline) =>
  timeline.map((t) => `${t.answer_max_ms}/${t.all_delivered_max_ms ?? "lost"}`).join(" ");

function describe(r) {
  const clients = r.cpu_clients_pct.map((c) => `${c}%`).join("/");
  return (
    `delivered ${r.delivered}/${r.expected}${r.failed_writes ? ` (${r.failed_writes} writes failed: ${r.first_failure})` : ""}, ` +
    `latency from send p50 ${fmt(r.p50_ms)} ms, p99 ${fmt(r.p99_ms)} ms, max ${fmt(r.max_ms)} ms ` +
    `(write answered p50 ${fmt(r.write_answer_p50_ms)} ms, p99 ${fmt(r.write_answer_p99_ms)} ms); ` +
    `CPU over ${(r.phase_ms / 1000).toFixed(1)} s: server ${r.cpu_server_pct}% (${fmt(r.cpu_server_s)} s; ` +
    `${fmt(r.server_waited_for_cpu_s)} s more runnable but waiting for a CPU), ` +
    `clients ${clients} (% of one core); load average before ${r.load_average_before[0]}`
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flag = (name) => process.argv.includes(name);
  const value = (name) => {
    const i = process.argv.indexOf(name);
    return i === -1 ? undefined : process.argv[i + 1];
  };
  const opts = flag("--smoke")
    ? { subscribers: 100, manySubscribers: 0, rate: 20, seconds: 2 }
    : flag("--quick")
      ? { subscribers: 1000, manySubscribers: 10_000, rate: 100, seconds: 5 }
      : {};
  for (const name of ["subscribers", "many", "rate", "seconds", "processes"]) {
    const v = value(`--${name}`);
    if (v === undefined) continue;
    const key = { many: "manySubscribers", processes: "clientProcesses" }[name] ?? name;
    opts[key] = Number(v);
  }
  runFanout({ ...opts, profileDir: value("--profile") }).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(`[bench] realtime failed: ${err.message}`);
      process.exit(1);
    },
  );
}
