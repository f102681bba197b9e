import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase, { type ClientResponseError } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { clientFrom, limit, setLimits, uniqueIp } from "../http/rate-limit/rate-limit-test-clients.js";
import { systemContext } from "../records/request-context.js";
import { sdk, uniqueName } from "../test-support/api.js";
import { startNodes } from "../test-support/nodes.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import type { Collection } from "./model.js";

/**
 * Several nodes on one store: a schema, rule or settings change answered by one node holds on
 * every other from the next request (no waiting for a poll). PostgreSQL: 3 nodes on one schema;
 * SQLite: 2 servers on one file (a server and another process, as the CLI would be).
 */
interface Cluster {
  urls: string[];
  apps: App[];
  first: TestServer;
  close(): Promise<void>;
}

async function clusterOn(kind: "sqlite" | "postgres"): Promise<Cluster> {
  if (kind === "postgres") return startNodes(3);
  const first = await startServer("sqlite");
  const dir = mkdtempSync(join(tmpdir(), "backroom-second-"));
  const config = first.app.services.config;
  const second = await createApp(
    loadConfig(
      {
        http: "127.0.0.1:0",
        dir: config.dir,
        logLevel: "silent",
        hooks: join(dir, "no-hooks"),
        migrations: join(dir, "migrations"),
      },
      {},
    ),
  );
  const url = await second.listen();
  return {
    urls: [first.url, url],
    apps: [first.app, second],
    first,
    close: async () => {
      await second.close();
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function statusOf(err: unknown): number {
  return (err as ClientResponseError).status;
}

describe.each(await storesUnderTest())("one schema on every node, at once (%s)", (kind) => {
  let cluster: Cluster;
  /** A superuser client per node (the token is good on all of them). */
  let su: PocketBase[];
  const other = (i: number) => (i + 1) % su.length;

  beforeAll(async () => {
    cluster = await clusterOn(kind);
    const token = (await cluster.first.superuserClient()).authStore.token;
    su = cluster.urls.map((url) => {
      const pb = sdk(new PocketBase(url));
      pb.authStore.save(token, null);
      return pb;
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("a collection created through one node is updated through another, 100 times in 100", async () => {
    let updated = 0;
    for (let i = 0; i < 100; i++) {
      const a = su[i % su.length] as PocketBase;
      const b = su[other(i)] as PocketBase;
      const name = uniqueName("fresh");
      const created = await a.collections.create({
        name,
        type: "base",
        fields: [{ name: "title", type: "text" }],
      });
      const changed = await b.collections.update(name, { listRule: "" });
      expect(changed.id).toBe(created.id);
      await a.collections.delete(created.id);
      updated++;
    }
    expect(updated).toBe(100);
  });

  it("a required field added through one node is required by the next create on another, 100 times in 100", async () => {
    const name = uniqueName("req");
    await su[0]?.collections.create({
      name,
      type: "base",
      createRule: "",
      fields: [{ name: "title", type: "text" }],
    });
    const fields: Record<string, unknown>[] = [{ name: "title", type: "text" }];
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      fields.push({ name: `f${i}`, type: "text", required: true });
      await su[i % su.length]?.collections.update(name, { fields });
      const body: Record<string, unknown> = { title: `t${i}` };
      for (let j = 0; j < i; j++) body[`f${j}`] = "x";
      try {
        await su[other(i)]?.collection(name).create(body);
      } catch (err) {
        const data = (err as ClientResponseError).response.data as Record<string, { code: string }>;
        if (statusOf(err) === 400 && data[`f${i}`]?.code === "validation_required") refused++;
      }
    }
    expect(refused).toBe(100);
  });

  it("a list rule tightened through one node holds for the next guest list on another, 100 times in 100", async () => {
    const name = uniqueName("rule");
    await su[0]?.collections.create({
      name,
      type: "base",
      listRule: "",
      fields: [{ name: "title", type: "text" }],
    });
    await su[0]?.collection(name).create({ title: "secret" });
    const guests = cluster.urls.map((url) => sdk(new PocketBase(url)));
    let obeyed = 0;
    for (let i = 0; i < 100; i++) {
      const tightened = i % 2 === 0;
      // Loosened on every other round, so each tightening is a real change.
      await su[i % su.length]?.collections.update(name, { listRule: tightened ? 'title = "none"' : "" });
      const page = await guests[other(i)]?.collection(name).getList(1, 10);
      if (page?.totalItems === (tightened ? 0 : 1)) obeyed++;
    }
    expect(obeyed).toBe(100);
  });

  it("a write checked against a definition another node has since replaced runs again on the new one (or is refused, 409)", async () => {
    const other = cluster.apps[1] as App;
    // No background look at the catalogue during this test: the node only learns inside the write.
    other.services.definitions.stopWatching();
    try {
      const name = uniqueName("race");
      await su[0]?.collections.create({
        name,
        type: "base",
        createRule: "",
        fields: [{ name: "title", type: "text" }],
      });
      await other.services.registry.refresh();
      const stale = other.services.registry.get(name) as Collection;
      await su[0]?.collections.update(name, {
        fields: [
          { name: "title", type: "text" },
          { name: "must", type: "text", required: true },
        ],
      });
      expect(other.services.registry.get(name)).toBe(stale);
      // The writer alone (as a batch would call it): the transaction sees the moved catalogue.
      await expect(
        other.services.records.writer.create(stale, { title: "x" }, systemContext()),
      ).rejects.toMatchObject({ status: 409 });
      // The records service reloads and runs the write again, on the definition with the required field.
      await expect(
        other.services.records.create(name, { title: "x" }, systemContext()),
      ).rejects.toMatchObject({
        status: 400,
        data: { must: { code: "validation_required" } },
      });
      expect(other.services.registry.get(name)?.fields.map((f) => f.name)).toContain("must");
    } finally {
      other.services.definitions.watch();
    }
  });

  it("a settings change through one node holds for the next request on another", async () => {
    let seen = 0;
    for (let i = 0; i < 20; i++) {
      const appName = `App ${i}`;
      await su[i % su.length]?.settings.update({ meta: { appName } });
      const settings = await su[other(i)]?.settings.getAll();
      if ((settings?.meta as { appName?: string } | undefined)?.appName === appName) seen++;
    }
    expect(seen).toBe(20);

    // A rate limit set through one node refuses the next request over it on another, and lifting
    // it through a third lets the next one through.
    const name = uniqueName("limited");
    await su[0]?.collections.create({ name, type: "base", listRule: "", fields: [] });
    for (let i = 0; i < 5; i++) {
      // A client address of its own each round, so the rounds' counts don't mix.
      const ip = uniqueIp();
      const guests = cluster.urls.map((url) => clientFrom(url, ip));
      await setLimits(su[i % su.length] as PocketBase, [limit(`/api/collections/${name}/records`, 1, 60)]);
      await guests[other(i)]?.collection(name).getList(1, 1);
      const refused = await guests[other(i)]
        ?.collection(name)
        .getList(1, 1)
        .then(
          () => 200,
          (err) => statusOf(err),
        );
      expect(refused).toBe(429);
      await su[other(other(i))]?.settings.update({ rateLimits: { enabled: false } });
      await expect(guests[other(i)]?.collection(name).getList(1, 1)).resolves.toBeDefined();
    }
  });
});
