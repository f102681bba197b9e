// Idle RSS of a fresh Backroom (an empty app), measured as bench/run.mjs measures start_rss_mib:
// a fresh store with its superuser, `backroom serve` pinned to CPU 0, /api/health polled every
// 100 ms until it answers, one second's wait, then VmRSS from /proc/<pid>/status. Several samples
// per store, each on a new store and a new process; nothing is forced (no GC, no flags).
//
//   node bench/idle-rss.mjs [--samples 3] [--stores sqlite,postgres] [-- node flags…]
import { parseArgs } from "node:util";
import { freePort, rssMiB, runNode, startNode, stop, waitForHealth } from "./processes.mjs";
import { SUPERUSER } from "./seed.mjs";
import { createStore, postgresProblem } from "./stores.mjs";

const root = new URL("..", import.meta.url).pathname;
const BACKROOM = `${root}bin/backroom.js`;
const { values, positionals } = parseArgs({
  options: {
    samples: { type: "string", default: "3" },
    stores: { type: "string", default: "sqlite,postgres" },
  },
  allowPositionals: true,
});
const samples = Number(values.samples);

for (const kind of values.stores.split(",")) {
  if (kind === "postgres") {
    const problem = await postgresProblem();
    if (problem) {
      console.log(`postgres: skipped (${problem})`);
      continue;
    }
  }
  const figures = [];
  for (let i = 0; i < samples; i++) {
    const store = createStore(kind);
    try {
      await runNode([BACKROOM, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...store.flags], {
        label: "backroom superuser upsert",
      });
      const port = await freePort();
      const child = startNode(
        [...positionals, BACKROOM, "serve", "--http", `127.0.0.1:${port}`, ...store.flags],
        {
          cpu: 0,
          cwd: root,
          label: `backroom (${kind})`,
        },
      );
      try {
        await waitForHealth(child, `http://127.0.0.1:${port}/api/health`);
        await new Promise((r) => setTimeout(r, 1000));
        figures.push(rssMiB(child.pid));
      } finally {
        await stop(child);
      }
    } finally {
      await store.cleanup();
    }
  }
  console.log(`${kind}: ${figures.map((f) => (f === undefined ? "n/a" : f.toFixed(1))).join(" ")} MiB`);
}
