// Memory of a streaming export: 1,000,000 records (`--records`) written straight into a collection,
// then `GET /api/collections/items/export` (CSV, then NDJSON) read to the end by a slow-ish client,
// on each store. Prints the server's resident memory before, its peak during each export (VmHWM,
// reset between runs is not possible, so the peak is sampled from VmRSS every 50 ms), bytes and time.
//
//   npm run build && node bench/export-memory.mjs [--stores sqlite,postgres] [--records 1000000]
import { mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openBulkInserter } from "./bulk-insert.mjs";
import { rssMiB } from "./processes.mjs";
import { serveAsSuperuser } from "./superuser-server.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const _BIN = join(ROOT, "bin", "backroom.js");
const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

const { values: args } = parseArgs({
  options: {
    stores: { type: "string", default: "sqlite,postgres" },
    records: { type: "string", default: "1000000" },
  },
});
const RECORDS = Number(args.records);

async function run(kind) {
  const dir = mkdtempSync(join(tmpdir(), "backroom-bench-export-"));
  const schema = `bench_export_${Date.now().toString(36)}`;
  const storeArgs =
    kind === "postgres" ? ["--dir", dir, "--db", PG_URL, "--db-schema", schema] : ["--dir", dir];
  const connection =
    kind === "postgres" ? { kind, url: PG_URL, schema } : { kind, file: join(dir, "data.db") };
  const server = await serveAsSuperuser(storeArgs);
  try {
    const { pb } = server;
    await pb.collections.create({
      name: "items",
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "qty", type: "number" },
        { name: "meta", type: "json" },
        { name: "created", type: "autodate", onCreate: true },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
      listRule: "qty >= 0",
    });
    const inserter = await openBulkInserter(connection);
    const now = new Date().toISOString().replace("T", " ");
    let rows = [];
    for (let i = 0; i < RECORDS; i++) {
      rows.push([
        `e${String(i).padStart(14, "0")}`,
        `item ${i}, "quoted"`,
        i % 1000,
        JSON.stringify({ n: i }),
        now,
        now,
      ]);
      if (rows.length === 20_000) {
        await inserter.insert("items", ["id", "title", "qty", "meta", "created", "updated"], rows);
        rows = [];
      }
    }
    if (rows.length > 0)
      await inserter.insert("items", ["id", "title", "qty", "meta", "created", "updated"], rows);
    await inserter.close();
    for (const format of ["csv", "ndjson"]) {
      const before = rssMiB(server.pid);
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMiB(server.pid));
      }, 50);
      const started = performance.now();
      // As a guest: the list rule applies to every page.
      // A connection of its own for each export (no keep-alive reuse across minute-long responses).
      const res = await new Promise((resolve, reject) =>
        get(`${server.url}/api/collections/items/export?format=${format}`, { agent: false }, resolve).on(
          "error",
          reject,
        ),
      );
      let bytes = 0;
      let lines = 0;
      for await (const chunk of res) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) lines++;
      }
      clearInterval(sampler);
      peak = Math.max(peak, rssMiB(server.pid));
      const ms = performance.now() - started;
      console.log(
        `${kind} ${format}: ${lines} lines, ${(bytes / 1024 / 1024).toFixed(1)} MiB in ${(ms / 1000).toFixed(1)} s (${Math.round(
          (RECORDS / ms) * 1000,
        )} rows/s); server RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB during`,
      );
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (kind === "postgres") {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }
}

for (const kind of args.stores.split(",")) await run(kind);
