// Backup → wipe → restore round trip under concurrent writes, on each store: 100,000 records and
// 100 files (`--records`, `--files` to change), writers creating records while the backup runs.
// Checks that every record acknowledged before the backup started is back after the restore into
// a wiped installation (fresh data folder / fresh PostgreSQL schema), and that every file's bytes
// match; prints backup size and time, restore time.
//
//   npm run bench:backup                     # both stores (PostgreSQL at BACKROOM_TEST_PG or the default)
//   npm run bench:backup -- --stores sqlite --records 20000
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { openBulkInserter } from "./bulk-insert.mjs";
import { SUPERUSER, serveAsSuperuser } from "./superuser-server.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const _BIN = join(ROOT, "bin", "backroom.js");
const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

const { values: args } = parseArgs({
  options: {
    stores: { type: "string", default: "sqlite,postgres" },
    records: { type: "string", default: "100000" },
    files: { type: "string", default: "100" },
    "file-kb": { type: "string", default: "64" },
    writers: { type: "string", default: "2" },
  },
});
const RECORDS = Number(args.records);
const FILES = Number(args.files);
const FILE_BYTES = Number(args["file-kb"]) * 1024;
const WRITERS = Number(args.writers);

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const sha = (buf) => createHash("sha256").update(buf).digest("hex");

async function roundTrip(kind) {
  const dir = mkdtempSync(join(tmpdir(), "backroom-bench-backup-"));
  const schema = `bench_backup_${Date.now().toString(36)}`;
  const storeArgs =
    kind === "postgres" ? ["--dir", dir, "--db", PG_URL, "--db-schema", schema] : ["--dir", dir];
  const connection =
    kind === "postgres" ? { kind, url: PG_URL, schema } : { kind, file: join(dir, "data.db") };
  let server = await serveAsSuperuser(storeArgs);
  try {
    const { pb } = server;
    await pb.collections.create({
      name: "items",
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "qty", type: "number" },
        { name: "done", type: "bool" },
        { name: "meta", type: "json" },
        { name: "doc", type: "file", maxSelect: 1, maxSize: 10 * 1024 * 1024 },
        { name: "created", type: "autodate", onCreate: true },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
      listRule: "",
    });
    // Bulk rows straight into the table (the API would take minutes), then files through the API.
    const inserter = await openBulkInserter(connection);
    const now = new Date().toISOString().replace("T", " ");
    const rows = [];
    for (let i = 0; i < RECORDS - FILES; i++) {
      const id = `b${String(i).padStart(14, "0")}`;
      const meta = JSON.stringify({ n: i, tags: ["x", "y"] });
      rows.push([id, `item ${i}`, i % 1000, kind === "postgres" ? i % 2 === 0 : i % 2, meta, "", now, now]);
      if (rows.length === 20_000)
        await inserter.insert(
          "items",
          ["id", "title", "qty", "done", "meta", "doc", "created", "updated"],
          rows.splice(0),
        );
    }
    if (rows.length > 0)
      await inserter.insert(
        "items",
        ["id", "title", "qty", "done", "meta", "doc", "created", "updated"],
        rows.splice(0),
      );
    await inserter.close();
    const fileHashes = new Map();
    for (let i = 0; i < FILES; i++) {
      const bytes = randomBytes(FILE_BYTES);
      const form = new FormData();
      form.append("title", `with file ${i}`);
      form.append("doc", new Blob([bytes]), `doc${i}.bin`);
      const record = await pb.collection("items").create(form);
      fileHashes.set(record.id, sha(bytes));
    }
    const total = (await pb.collection("items").getList(1, 1)).totalItems;

    // Writers keep creating records through the backup; each acknowledged id is kept with its time.
    const acked = [];
    let writing = true;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      let n = 0;
      while (writing) {
        const record = await pb.collection("items").create({ title: `live ${w}-${n++}`, qty: n });
        acked.push({ id: record.id, at: performance.now() });
      }
    });
    await new Promise((r) => setTimeout(r, 500));
    const backupStarted = performance.now();
    await pb.backups.create("bench.zip");
    const backupMs = performance.now() - backupStarted;
    writing = false;
    await Promise.all(writers);
    const mustSurvive = acked.filter((a) => a.at < backupStarted).map((a) => a.id);
    const info = (await pb.backups.getFullList()).find((b) => b.key === "bench.zip");
    const token = await pb.files.getToken();
    const zip = new Uint8Array(
      await (await fetch(pb.backups.getDownloadURL(token, "bench.zip"))).arrayBuffer(),
    );

    // Wipe: stop the server, remove its data (folder, schema), start a fresh installation.
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (kind === "postgres") await dropSchema(schema);
    server = await serveAsSuperuser(storeArgs);
    const fresh = server.pb;
    await fresh.backups.upload({ file: new File([zip], "bench.zip") });
    const restoreStarted = performance.now();
    await fresh.backups.restore("bench.zip");
    const restoreMs = performance.now() - restoreStarted;
    await fresh.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);

    // Checks: the acknowledged records, the count, every file's bytes.
    const restoredTotal = (await fresh.collection("items").getList(1, 1)).totalItems;
    let missing = 0;
    for (let i = 0; i < mustSurvive.length; i += 100) {
      const ids = mustSurvive.slice(i, i + 100);
      const found = await fresh
        .collection("items")
        .getList(1, 100, { filter: ids.map((id) => `id="${id}"`).join("||") });
      missing += ids.length - found.items.length;
    }
    let badFiles = 0;
    const fileToken = await fresh.files.getToken();
    for (const [id, hash] of fileHashes) {
      const record = await fresh.collection("items").getOne(id);
      const res = await fetch(fresh.files.getURL(record, record.doc, { token: fileToken }));
      if (sha(Buffer.from(await res.arrayBuffer())) !== hash) badFiles++;
    }
    return {
      store: kind,
      recordsAtBackup: `${total} + ${mustSurvive.length} written during warm-up`,
      files: FILES,
      backupSize: mib(info?.size ?? 0),
      backupTime: seconds(backupMs),
      writesDuringBackup: acked.length - mustSurvive.length,
      restoreTime: seconds(restoreMs),
      restoredRecords: restoredTotal,
      acknowledgedBeforeBackupMissing: missing,
      filesWithWrongBytes: badFiles,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    if (kind === "postgres") await dropSchema(schema).catch(() => {});
  }
}

async function dropSchema(schema) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}

let failed = false;
for (const kind of args.stores.split(",")) {
  const result = await roundTrip(kind);
  console.log(JSON.stringify(result, null, 2));
  if (result.acknowledgedBeforeBackupMissing > 0 || result.filesWithWrongBytes > 0) failed = true;
}
process.exit(failed ? 1 : 0);
