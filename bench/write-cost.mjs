// CPU time per record create, in process (no HTTP, no load generator to share the CPU with): the
// app of each build opens a fresh SQLite store, `--concurrency` loops create records through
// RecordActions, and the process's CPU time (user + system) is divided by the creates. On a loaded
// machine wall-clock rates mostly measure the scheduler; CPU time per create still compares builds.
// Builds alternate, so both see the same load.
//
// Usage: node bench/write-cost.mjs [--before DIR] [--creates N] [--concurrency N] [--rounds N]
//   --before DIR   also measure DIR's build (DIR/dist), e.g. a copy of main's dist before a change
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    creates: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
  },
});
const here = resolve(new URL("..", import.meta.url).pathname);
const builds = [...(values.before ? [["before", resolve(values.before)]] : []), ["this", here]];
const creates = Number(values.creates);
const concurrency = Number(values.concurrency);

async function measure(root) {
  const { createApp } = await import(join(root, "dist/app.js"));
  const { loadConfig } = await import(join(root, "dist/config/config.js"));
  const { systemContext } = await import(join(root, "dist/records/request-context.js"));
  const dir = mkdtempSync(join(tmpdir(), "backroom-write-cost-"));
  const app = await createApp(loadConfig({ http: "127.0.0.1:0", dir, logLevel: "silent" }, {}));
  try {
    const { services } = app;
    const name = `notes${Date.now().toString(36)}`;
    await services.collections.create(
      {
        name,
        type: "base",
        fields: [
          { name: "title", type: "text" },
          { name: "total", type: "number" },
        ],
      },
      null,
    );
    const create = (i) => services.records.create(name, { title: `note ${i}`, total: i }, systemContext());
    for (let i = 0; i < 300; i++) await create(i); // warm-up
    let next = 0;
    let commits = 0;
    const stop = services.store.queries.listen((q) => {
      if (/^commit$/i.test(q.sql.trim())) commits++;
    });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < creates) await create(next++);
      }),
    );
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    stop();
    return {
      cpuUsPerCreate: (used.user + used.system) / creates,
      perSecond: (creates * 1000) / wallMs,
      perCommit: creates / Math.max(commits, 1),
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map(builds.map(([label]) => [label, []]));
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [label, root] of builds) {
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(" ");
    const r = await measure(root);
    results.get(label).push(r);
    console.log(
      `${label}: ${r.cpuUsPerCreate.toFixed(0)} µs CPU per create, ${r.perSecond.toFixed(0)} creates/s, ` +
        `${r.perCommit.toFixed(1)} creates per commit ` +
        `(${creates} creates, ${concurrency} at once; load average ${load})`,
    );
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [label, rs] of results)
  console.log(`${label}: median ${median(rs.map((r) => r.cpuUsPerCreate)).toFixed(0)} µs CPU per create`);
