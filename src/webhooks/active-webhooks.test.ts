import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSystemMigrations } from "../store/migrations/run-system-migrations.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { ActiveWebhooks } from "./active-webhooks.js";
import { deleteWebhook, insertWebhook, updateWebhook } from "./webhook-store.js";

describe("active webhooks cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-hooks-cache-"));
  let store: Store;
  const hook = (id: string) => ({
    id,
    url: `https://example.com/${id}`,
    events: ["*"],
    secret: "s",
    active: true,
  });
  const ids = async (active: ActiveWebhooks, now?: number) => (await active.get(now)).map((h) => h.id).sort();

  beforeAll(async () => {
    store = await openStore({ kind: "sqlite", file: join(dir, "data.db") });
    await runSystemMigrations(store);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sees changes made on this node at once", async () => {
    const active = new ActiveWebhooks(store.db, 60_000);
    expect(await ids(active)).toEqual([]);
    await insertWebhook(store.db, hook("hooka"));
    expect(await ids(active)).toEqual(["hooka"]);
    await updateWebhook(store.db, "hooka", { active: false });
    expect(await ids(active)).toEqual([]);
    await updateWebhook(store.db, "hooka", { active: true });
    await insertWebhook(store.db, hook("hookb"));
    expect(await ids(active)).toEqual(["hooka", "hookb"]);
    await deleteWebhook(store.db, "hooka");
    expect(await ids(active)).toEqual(["hookb"]);
  });

  it("sees another node's change (a write it did not make) once its time-to-live has passed", async () => {
    const active = new ActiveWebhooks(store.db, 1000);
    const start = Date.now();
    const before = await ids(active, start);
    // As another node would: straight into the table, not through this process's functions.
    await sql`UPDATE _webhooks SET active = 0`.execute(store.db);
    expect(await ids(active, start + 500)).toEqual(before);
    expect(await ids(active, start + 1000)).toEqual([]);
  });
});
