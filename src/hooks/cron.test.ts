import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app.js";
import { sharedStore } from "../jobs/test-support/app-on-store.js";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { SYSTEM_REQUEST } from "../records/request-context.js";
import { storesUnderTest } from "../test-support/server.js";
import { appFolder } from "./test-support/app-folder.js";

// Every second; each run records its tick, so a tick run twice shows as a repeated row.
const TICKS_HOOK = `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.cronAdd("tally", "* * * * * *", async ({ scheduledAt }) => {
    await app.createRecord("ticks", { tick: scheduledAt });
  });
});
`;

const NODES: Record<"sqlite" | "postgres", number> = { sqlite: 1, postgres: 2 };

describe.each(await storesUnderTest())("cronAdd (%s)", (kind) => {
  const folder = appFolder({ "ticks.ts": TICKS_HOOK });
  const store = sharedStore(kind);
  const nodes: App[] = [];

  beforeAll(async () => {
    // The collection exists before any node loads the hooks.
    const setup = await store.open({ hooks: folder.hooks });
    await setup.services.collections.create(
      { name: "ticks", type: "base", fields: [{ name: "tick", type: "text" }] },
      null,
    );
    await setup.close();
    for (let i = 0; i < NODES[kind]; i++) nodes.push(await store.open({ hooks: folder.hooks }));
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    await store.dispose();
    folder.remove();
  });

  it(`runs once per tick with ${NODES[kind]} node(s) running the schedule`, async () => {
    const app = nodes[0] as App;
    const ticks = async () =>
      (await app.services.records.query.list(app.services.records.collection("ticks"), {
        where: app.services.records.query.and([]),
        sort: "",
        scope: app.services.records.query.scope(app.services.records.collection("ticks"), SYSTEM_REQUEST),
        limit: 1000,
        offset: 0,
      })) as unknown as { tick: string }[];
    await waitUntil(async () => (await ticks()).length >= 4, "four ticks", 15_000);
    await sleep(1_200);
    const rows = await ticks();
    const distinct = new Set(rows.map((r) => r.tick));
    expect(distinct.size).toBe(rows.length);
    expect(rows.every((r) => r.tick.endsWith(".000Z"))).toBe(true);
  });
});
