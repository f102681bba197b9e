// Throughput of the offline-sync feed (`GET /api/collections/{c}/changes`): 100,000 creates
// (`--changes`) written straight into a collection and the outbox (as committed writes leave
// them), then read back page by page (`--per-page`, default 1000) the way a reconnecting client
// does, on each store: once with an open list rule (every change is an upsert), once with a rule
// that admits half the rows (the other half are checked for tombstones and left out).
//
//   npm run build && node bench/sync-changes.mjs [--stores sqlite,postgres] [--changes 100000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import PocketBase from "pocketbase";
import { openBulkInserter } from "./bulk-insert.mjs";
import { serveAsSuperuser } from "./superuser-server.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const _BIN = join(ROOT, "bin", "backroom.js");
const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

const { values: args } = parseArgs({
  options: {
    stores: { type: "string", default: "sqlite,postgres" },
    changes: { type: "string", default: "100000" },
    "per-page": { type: "string", default: "1000" },
  },
});
const CHANGES = Number(args.changes);
const PER_PAGE = Number(args["per-page"]);

/** Reads every page after `since`; returns the item counts and the time taken. */
async function pull(client, path, since) {
  let cursor = since;
  let upserts = 0;
  let deletes = 0;
  let pages = 0;
  const started = performance.now();
  for (;;) {
    const page = await client.send(path, { query: { since: cursor, perPage: PER_PAGE } });
    pages++;
    for (const c of page.items) c.action === "upsert" ? upserts++ : deletes++;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { upserts, deletes, pages, ms: performance.now() - started };
}

async function run(kind) {
  const dir = mkdtempSync(join(tmpdir(), "backroom-bench-sync-"));
  const schema = `bench_sync_${Date.now().toString(36)}`;
  const storeArgs =
    kind === "postgres" ? ["--dir", dir, "--db", PG_URL, "--db-schema", schema] : ["--dir", dir];
  const connection =
    kind === "postgres" ? { kind, url: PG_URL, schema } : { kind, file: join(dir, "data.db") };
  const server = await serveAsSuperuser(storeArgs);
  try {
    const { pb } = server;
    const results = [];
    for (const [label, listRule] of [
      ["open rule", ""],
      ["half hidden", "owner = 'a'"],
    ]) {
      const name = listRule === "" ? "open_items" : "half_items";
      const collection = await pb.collections.create({
        name,
        type: "base",
        fields: [
          { name: "title", type: "text" },
          { name: "owner", type: "text" },
          { name: "created", type: "autodate", onCreate: true },
          { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
        ],
        listRule,
      });
      const guest = new PocketBase(server.url);
      guest.autoCancellation(false);
      const head = await guest.send(`/api/collections/${name}/changes`, {});
      // Rows and their outbox events, as committed creates leave them.
      const inserter = await openBulkInserter(connection);
      const now = new Date().toISOString().replace("T", " ");
      let records = [];
      let events = [];
      const flush = async () => {
        await inserter.insert(name, ["id", "title", "owner", "created", "updated"], records.splice(0));
        await inserter.insert(
          "_outbox",
          ["created", "collection_id", "collection_name", "record_id", "action", "record"],
          events.splice(0),
        );
      };
      for (let i = 0; i < CHANGES; i++) {
        const id = `s${String(i).padStart(14, "0")}`;
        const owner = i % 2 === 0 ? "a" : "b";
        records.push([id, `item ${i}`, owner, now, now]);
        const record = { id, title: `item ${i}`, owner, created: now, updated: now };
        events.push([now, collection.id, name, id, "create", JSON.stringify(record)]);
        if (records.length === 10_000) await flush();
      }
      if (records.length > 0) await flush();
      await inserter.close();
      records = [];
      events = [];
      // The first read waits for the node's dispatcher to put the new rows in order.
      const caughtUp = performance.now();
      await guest.send(`/api/collections/${name}/changes`, { query: { since: head.cursor, perPage: 1 } });
      const catchUpMs = performance.now() - caughtUp;
      const r = await pull(guest, `/api/collections/${name}/changes`, head.cursor);
      results.push({ label, ...r, catchUpMs });
    }
    for (const r of results)
      console.log(
        `${kind} ${r.label}: ${CHANGES} changes in ${(r.ms / 1000).toFixed(2)} s = ${Math.round(
          (CHANGES / r.ms) * 1000,
        )} changes/s (${r.pages} pages of ${PER_PAGE}, ${r.upserts} upserts, ${r.deletes} tombstones; dispatcher catch-up before the first page ${(r.catchUpMs / 1000).toFixed(2)} s)`,
      );
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
