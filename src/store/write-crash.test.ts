import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, PG_URL, SUPERUSER, storesUnderTest } from "../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";
import { openStore } from "./open-store.js";

const BIN = fileURLToPath(new URL("../../bin/backroom.js", import.meta.url));
/** Clients creating at once: on SQLite their transactions share commits (group commit). */
const CLIENTS = 16;
/** Acknowledged creates before the kill. */
const BEFORE_KILL = 400;

beforeAll(ensureBuilt, 180_000);

describe.each(await storesUnderTest())("creates survive a server killed mid-commit (%s)", (kind) => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-write-crash-"));
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const args = kind === "postgres" ? ["--db", PG_URL, "--db-schema", schema] : ["--dir", dir];
  const servers: SpawnedServer[] = [];

  afterAll(async () => {
    for (const s of servers) await killProcess(s.child);
    rmSync(dir, { recursive: true, force: true });
    if (kind !== "postgres") return;
    await dropSchema(schema);
  });

  it("SIGKILL while 16 clients create: every acknowledged create is there with its audit and outbox rows, and no request half", {
    timeout: 120_000,
  }, async () => {
    execFileSync(
      process.execPath,
      [BIN, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...args],
      {
        env: { ...process.env, BACKROOM_LOG_LEVEL: "silent" },
        stdio: "pipe",
      },
    );
    const first = await serveProcess(args);
    servers.push(first);
    const su = new PocketBase(first.url);
    su.autoCancellation(false);
    await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    await su.settings.update({ rateLimits: { enabled: false } });
    await su.collections.create({
      name: "notes",
      type: "base",
      fields: [{ name: "title", type: "text", required: true }],
      createRule: "",
    });

    // Each client creates until its connection fails; a create counts once its 200 has arrived.
    // Every tenth create is refused by validation, so groups mix failing and succeeding requests.
    const acknowledged: string[] = [];
    let refused = 0;
    let killed: Promise<void> | undefined;
    const client = async (n: number) => {
      const pb = new PocketBase(first.url);
      pb.autoCancellation(false);
      for (let i = 0; ; i++) {
        const bad = i % 10 === 9;
        try {
          const rec = await pb.collection("notes").create({ title: bad ? "" : `c${n} #${i}` });
          acknowledged.push(rec.id);
        } catch (err) {
          if ((err as { status?: number }).status === 400 && bad) {
            refused++;
            continue;
          }
          return; // the server is gone
        }
        if (acknowledged.length >= BEFORE_KILL) killed ??= killProcess(first.child);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    await killed;
    expect(acknowledged.length).toBeGreaterThanOrEqual(BEFORE_KILL);
    expect(refused).toBeGreaterThan(0);

    // After the crash (SQLite recovers its log on open), read what survived.
    const store = await openStore(
      kind === "postgres" ? { kind, url: PG_URL, schema } : { kind, file: join(dir, "data.db") },
    );
    try {
      const ids = (await store.db.selectFrom("notes").select("id").execute()).map((r) => String(r.id));
      const audited = await store.db
        .selectFrom("_audit")
        .select("record_id")
        .where("collection_name", "=", "notes")
        .where("action", "=", "record.create")
        .execute();
      const events = await store.db
        .selectFrom("_outbox")
        .select("record_id")
        .where("collection_name", "=", "notes")
        .where("action", "=", "create")
        .execute();
      const stored = new Set(ids);
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // Each stored record has exactly one audit entry and one outbox event, and none exists without it.
      expect(audited.map((r) => String(r.record_id)).sort()).toEqual([...ids].sort());
      expect(events.map((r) => String(r.record_id)).sort()).toEqual([...ids].sort());
      expect(ids.every((id) => id.length === 15)).toBe(true);
    } finally {
      await store.close();
    }

    // The restarted server serves them.
    const second = await serveProcess(args);
    servers.push(second);
    const reader = new PocketBase(second.url);
    await reader.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    const last = acknowledged[acknowledged.length - 1] as string;
    expect((await reader.collection("notes").getOne(last)).id).toBe(last);
  });
});
