// CPU time per request through the whole HTTP pipeline (hooks, routing, rules, store, serialization)
// without sockets: each build runs in a child process of its own, on its own freshly seeded SQLite
// store, and answers requests made with Fastify's `inject`; the child's CPU time (user + system,
// every thread) is divided by the requests. The builds take turns, so both see the same machine.
// No load generator shares the CPU, so small per-request changes show (±1 µs on a quiet machine);
// socket and HTTP parsing costs, the same for every build, are left out.
//
// Usage: node bench/inject-cost.mjs [--before DIR] [--scenarios get-one,list] [--rounds N]
//                                   [--requests N] [--profile DIR]
//   --before DIR   also measure DIR's build (DIR/dist), e.g. a worktree of an older commit
//   --profile DIR  profile each child's measured requests only (inspector), DIR/<build>-<scenario>.cpuprofile
import { fork } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { median } from "./load.mjs";
import { runNode } from "./processes.mjs";
import { scenarios } from "./scenarios/index.mjs";
import { SUPERUSER, seed } from "./seed.mjs";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    scenarios: { type: "string", default: "get-one,list" },
    rounds: { type: "string", default: "7" },
    requests: { type: "string", default: "5000" },
    profile: { type: "string" },
    child: { type: "string" },
  },
});

if (values.child) await child(resolve(values.child));
else await parent();

async function parent() {
  const here = resolve(new URL("..", import.meta.url).pathname);
  const builds = [...(values.before ? [["before", resolve(values.before)]] : []), ["this", here]];
  const names = values.scenarios.split(",");
  const children = [];
  for (const [label, root] of builds) {
    const proc = fork(new URL(import.meta.url).pathname, ["--child", root], { stdio: "inherit" });
    children.push({ label, proc, ready: reply(proc) });
  }
  try {
    for (const c of children) await c.ready;
    const results = new Map();
    const ask = async (c, message) => {
      const answer = reply(c.proc);
      c.proc.send(message);
      return answer;
    };
    // Warm-up: V8 optimizes each child's hot paths before anything counts.
    for (const c of children)
      for (const scenario of names) await ask(c, { scenario, requests: Number(values.requests) });
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const scenario of names) {
        for (const c of children) {
          const r = await ask(c, { scenario, requests: Number(values.requests) });
          const key = `${scenario} ${c.label}`;
          results.set(key, [...(results.get(key) ?? []), r]);
          console.log(
            `round ${round + 1} ${key}: ${r.us.toFixed(1)} µs CPU/request (system ${r.sys.toFixed(1)}), ` +
              `load ${loadavg()[0].toFixed(2)}`,
          );
        }
      }
    }
    if (values.profile)
      for (const c of children)
        for (const scenario of names)
          await ask(c, {
            scenario,
            requests: Number(values.requests),
            profile: resolve(values.profile, `${c.label}-${scenario}.cpuprofile`),
          });
    console.log("\nmedian over rounds (µs of CPU per request):");
    for (const [key, rows] of results)
      console.log(
        `  ${key.padEnd(16)} ${median(rows.map((r) => r.us)).toFixed(1)} ` +
          `(system ${median(rows.map((r) => r.sys)).toFixed(1)}; rounds ${rows.map((r) => r.us.toFixed(1)).join(", ")})`,
      );
  } finally {
    for (const c of children) c.proc.kill();
  }
}

function reply(proc) {
  return new Promise((resolveReply, reject) => {
    const onMessage = (m) => {
      proc.off("exit", onExit);
      if (m.error) reject(new Error(m.error));
      else resolveReply(m);
    };
    const onExit = (code) => reject(new Error(`child exited with ${code}`));
    proc.once("message", onMessage);
    proc.once("exit", onExit);
  });
}

async function child(root) {
  const dir = mkdtempSync(join(tmpdir(), "backroom-inject-cost-"));
  try {
    await runNode(
      [`${root}/bin/backroom.js`, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, "--dir", dir],
      {
        label: "superuser upsert",
      },
    );
    const { createApp } = await import(join(root, "dist/app.js"));
    const { loadConfig } = await import(join(root, "dist/config/config.js"));
    const app = await createApp(loadConfig({ http: "127.0.0.1:0", dir, logLevel: "silent" }, {}));
    const url = await app.listen();
    const seeded = await seed({
      baseUrl: url,
      connection: { kind: "sqlite", file: join(dir, "data.db") },
      orders: 10_000,
      customers: 1000,
    });
    const loads = new Map(scenarios.map((s) => [s.name, s.load(seeded)]));
    process.on("message", (message) => {
      measure(app.http, loads.get(message.scenario), message).then(
        (result) => process.send(result),
        (err) => process.send({ error: String(err?.stack ?? err) }),
      );
    });
    process.send({ ready: true });
    await new Promise((r) => process.on("disconnect", r));
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(http, load, { requests, profile }) {
  if (!load) throw new Error("unknown scenario");
  const paths = load.requests.flatMap((r) => r.paths.map((path) => ({ method: r.method, url: path })));
  const session = profile ? await startProfile() : undefined;
  const cpu = process.cpuUsage();
  // 16 in flight, as the HTTP benchmark's connections.
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < requests) {
        const { method, url } = paths[next++ % paths.length];
        const res = await http.inject({ method, url, headers: load.headers });
        if (res.statusCode !== 200) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  if (session) await session.stop(profile);
  return { us: (used.user + used.system) / requests, sys: used.system / requests };
}

async function startProfile() {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return {
    stop: async (file) => {
      const { profile } = await session.post("Profiler.stop");
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
