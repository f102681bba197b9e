import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_URL, postgresAvailable } from "../../test-support/server.js";
import type { Store } from "../store.js";
import { openPostgresStore } from "./open.js";

const schema = `t_open_${Date.now().toString(36)}`;

describe.runIf(await postgresAvailable())("PostgreSQL store connections", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openPostgresStore({ kind: "postgres", url: PG_URL, schema });
  });
  afterAll(async () => {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(store.db);
    await store.close();
  });

  it("work in the app's own schema", async () => {
    const { rows } = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(store.db);
    expect(rows[0]?.s).toBe(schema);
  });

  it("have JIT compilation off, so a filter through several list rules never waits for a plan to compile", async () => {
    const { rows } = await sql<{ jit: string }>`SHOW jit`.execute(store.db);
    expect(rows[0]?.jit).toBe("off");
  });
});
