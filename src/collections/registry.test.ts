import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";

/** Two servers on one store, as two nodes of a deployment (or a server plus the CLI). */
async function twoNodes(
  kind: "sqlite" | "postgres",
): Promise<{ a: App; b: App; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "backroom-nodes-"));
  const schema = `nodes_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const config = loadConfig(
    {
      dir,
      http: "127.0.0.1:0",
      logLevel: "silent",
      ...(kind === "postgres" ? { db: PG_URL, dbSchema: schema } : {}),
    },
    {},
  );
  const a = await createApp(config);
  const b = await createApp(config);
  await a.listen();
  await b.listen();
  return {
    a,
    b,
    cleanup: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
      if (kind === "postgres") {
        const pg = (await import("pg")).default;
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    },
  };
}

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe.each(await storesUnderTest())("collection catalogue across nodes (%s)", (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it("a collection created on one node is served by the other within seconds, and so is its removal", async () => {
    const { a, b, cleanup } = await twoNodes(kind);
    cleanups.push(cleanup);
    await a.services.collections.create(
      { name: "orders", type: "base", fields: [{ name: "total", type: "number" }] },
      null,
    );
    expect(await eventually(() => b.services.registry.get("orders") !== undefined)).toBe(true);
    expect(b.services.registry.get("orders")?.fields.map((f) => f.name)).toContain("total");

    await a.services.collections.update("orders", { name: "purchases" }, null);
    expect(await eventually(() => b.services.registry.get("purchases") !== undefined)).toBe(true);
    expect(b.services.registry.get("orders")).toBeUndefined();

    await a.services.collections.delete("purchases", null);
    expect(await eventually(() => b.services.registry.get("purchases") === undefined)).toBe(true);
  });
});
