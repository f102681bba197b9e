import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase, { type RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFilesCollection } from "../files/test-support/files-fixture.js";
import { Collector, installEventSource } from "../realtime/test-support/collector.js";
import { raw, sdk, uniqueName } from "../test-support/api.js";
import { RoundRobinProxy } from "../test-support/round-robin-proxy.js";
import { PG_URL, SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";
import { limit, setLimits } from "./rate-limit/rate-limit-test-clients.js";

installEventSource();

// The built server as a user runs it: `backroom serve` processes (and one in-process node) on one
// PostgreSQL schema, no Redis, no S3, behind a round-robin balancer without sticky sessions.
const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("three nodes behind a round-robin balancer, nothing but PostgreSQL", () => {
  let first: TestServer;
  const spawned: SpawnedServer[] = [];
  const dirs: string[] = [];
  let urls: string[];
  let proxy: RoundRobinProxy;
  let balancer: string;

  beforeAll(async () => {
    ensureBuilt();
    first = await startServer("postgres");
    const store = first.app.services.config.store;
    const schema = store.kind === "postgres" ? (store.schema ?? "public") : "";
    for (let i = 0; i < 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), "backroom-proc-node-"));
      dirs.push(dir);
      spawned.push(await serveProcess(["--db", PG_URL, "--db-schema", schema, "--dir", dir]));
    }
    urls = [first.url, ...spawned.map((s) => s.url)];
    proxy = new RoundRobinProxy(urls);
    balancer = await proxy.start();
  }, 240_000);
  afterAll(async () => {
    await proxy?.stop();
    await Promise.all(spawned.map((s) => killProcess(s.child)));
    await first?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const superuserOn = async (url: string) => {
    const pb = sdk(new PocketBase(url));
    await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    return pb;
  };
  /** Until every node serves the collection (schema changes reach other nodes within a second). */
  const everyNodeKnows = async (name: string) => {
    for (const url of urls) {
      const su = await superuserOn(url);
      await expect
        .poll(
          () =>
            su.collections.getOne(name).then(
              () => true,
              () => false,
            ),
          { timeout: 5000 },
        )
        .toBe(true);
    }
  };

  it("SDK subscribe() 30/30 with the event delivered; a file uploaded through the balancer downloads from every node", async () => {
    const su = await superuserOn(balancer);
    const name = uniqueName("notes");
    await su.collections.create({
      name,
      type: "base",
      fields: [{ name: "text", type: "text" }],
      listRule: "",
    });
    await everyNodeKnows(name);
    const pb = sdk(new PocketBase(balancer));
    let delivered = 0;
    for (let i = 0; i < 30; i++) {
      const got = new Collector<RecordSubscription<Record<string, unknown>>>();
      await pb.collection(name).subscribe("*", got.push);
      const created = await su.collection(name).create({ text: `n${i}` });
      const arrived = () => got.items.some((e) => e.record.id === created.id);
      await expect.poll(arrived, { timeout: 5000, interval: 5 }).toBe(true);
      delivered++;
      await pb.collection(name).unsubscribe();
    }
    expect(delivered).toBe(30);
    // Each stream's subscriptions were set through another node than the one holding it.
    const realtime = proxy.routed.filter((r) => r.path.startsWith("/api/realtime"));
    const splits = realtime.filter((r, i) => r.method === "GET" && realtime[i + 1]?.upstream !== r.upstream);
    expect(splits).toHaveLength(30);

    const files = await createFilesCollection(su, (await su.collections.getOne("users")).id);
    await everyNodeKnows(files.name);
    const bytes = randomBytes(600 * 1024);
    const rec = await su.collection(files.name).create({ big: new File([bytes], "big.bin") });
    for (const url of urls) {
      const res = await fetch(`${url}/api/files/${files.name}/${rec.id}/${rec.big}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it("a limit of 6 a minute allows exactly 6 requests through the balancer", async () => {
    for (const url of urls) await setLimits(await superuserOn(url), [limit("/api/health", 6, 60)]);
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await raw(balancer, "/api/health")).status);
    expect(statuses).toEqual([...Array(6).fill(200), 429, 429, 429]);
  });
});
