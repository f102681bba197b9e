import { randomBytes } from "node:crypto";
import PocketBase, { type ClientResponseError, type RecordSubscription } from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector, installEventSource } from "../realtime/test-support/collector.js";
import { raw, sdk, uniqueName } from "../test-support/api.js";
import { type Cluster, nginxAvailable, startCluster } from "../test-support/cluster.js";
import { SUPERUSER, storesUnderTest } from "../test-support/server.js";
import { killProcess } from "../test-support/server-process.js";
import { limit, setLimits } from "./rate-limit/rate-limit-test-clients.js";
import { REDIS_URL, redisAvailable, testKeyPrefix } from "./rate-limit/test-redis.js";

installEventSource();

// The acceptance list of issue #17, as a user deploys it: three `backroom serve` processes on one
// PostgreSQL schema behind Debian's nginx running deploy/nginx/backroom.conf (round robin, no
// sticky sessions). Under CI=true a missing nginx or PostgreSQL fails the run.
const postgres = (await storesUnderTest()).includes("postgres");
const nginx = postgres && nginxAvailable();

async function superuser(url: string): Promise<PocketBase> {
  const pb = sdk(new PocketBase(url));
  await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  return pb;
}

/** Which node (index) served each of the log lines from `from` on. */
function upstreamsSince(cluster: Cluster, from: number): number[] {
  const ports = cluster.nodeUrls.map((u) => new URL(u).host);
  return cluster
    .accessLog()
    .slice(from)
    .map((line) => ports.indexOf(line.split(" ")[0]?.split(",").pop()?.trim() ?? ""));
}

describe.runIf(nginx)("3 nodes behind nginx (deploy/nginx/backroom.conf), PostgreSQL only", () => {
  let cluster: Cluster;
  let su: PocketBase;

  beforeAll(async () => {
    cluster = await startCluster();
    su = await superuser(cluster.url);
    await su.settings.update({ rateLimits: { enabled: false } });
  }, 240_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it("round robin: consecutive requests land on every node", async () => {
    const from = cluster.accessLog().length;
    for (let i = 0; i < 6; i++) expect((await raw(cluster.url, "/api/health")).status).toBe(200);
    await expect.poll(() => cluster.accessLog().length - from).toBeGreaterThanOrEqual(6);
    expect(new Set(upstreamsSince(cluster, from))).toEqual(new Set([0, 1, 2]));
  });

  it("a collection created is updated by the next request, 100 times in 100", async () => {
    let ok = 0;
    for (let i = 0; i < 100; i++) {
      const name = uniqueName("ng");
      const created = await su.collections.create({
        name,
        type: "base",
        fields: [{ name: "t", type: "text" }],
      });
      const updated = await su.collections.update(name, { listRule: "" });
      if (updated.id === created.id && updated.listRule === "") ok++;
      await su.collections.delete(created.id);
    }
    expect(ok).toBe(100);
  });

  it("a required field added, the next create without it is refused (400), 100 times in 100", async () => {
    const name = uniqueName("ngreq");
    await su.collections.create({
      name,
      type: "base",
      createRule: "",
      fields: [{ name: "t", type: "text" }],
    });
    const guest = sdk(new PocketBase(cluster.url));
    const fields: Record<string, unknown>[] = [{ name: "t", type: "text" }];
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      fields.push({ name: `f${i}`, type: "text", required: true });
      await su.collections.update(name, { fields });
      const body: Record<string, unknown> = { t: "x" };
      for (let j = 0; j < i; j++) body[`f${j}`] = "x";
      await guest
        .collection(name)
        .create(body)
        .catch((err: ClientResponseError) => {
          const data = err.response.data as Record<string, { code?: string }>;
          if (err.status === 400 && data[`f${i}`]?.code === "validation_required") refused++;
        });
    }
    expect(refused).toBe(100);
  });

  it("a list rule tightened holds for the next guest request, 100 times in 100", async () => {
    const name = uniqueName("ngrule");
    await su.collections.create({ name, type: "base", listRule: "", fields: [{ name: "t", type: "text" }] });
    await su.collection(name).create({ t: "secret" });
    const guest = sdk(new PocketBase(cluster.url));
    let obeyed = 0;
    for (let i = 0; i < 100; i++) {
      const tightened = i % 2 === 0;
      await su.collections.update(name, { listRule: tightened ? 't = "none"' : "" });
      const page = await guest.collection(name).getList(1, 10);
      if (page.totalItems === (tightened ? 0 : 1)) obeyed++;
    }
    expect(obeyed).toBe(100);
  });

  it("the SDK's SSE subscribe() works, the event delivered, 100 times in 100", async () => {
    const name = uniqueName("ngrt");
    await su.collections.create({
      name,
      type: "base",
      listRule: "",
      viewRule: "",
      fields: [{ name: "t", type: "text" }],
    });
    const pb = sdk(new PocketBase(cluster.url));
    let delivered = 0;
    try {
      for (let i = 0; i < 100; i++) {
        const got = new Collector<RecordSubscription<Record<string, unknown>>>();
        await pb.collection(name).subscribe("*", got.push);
        const created = await su.collection(name).create({ t: `n${i}` });
        await expect
          .poll(() => got.items.some((e) => e.record.id === created.id), { timeout: 5000, interval: 5 })
          .toBe(true);
        delivered++;
        await pb.collection(name).unsubscribe();
      }
    } finally {
      await pb.realtime.unsubscribe().catch(() => {});
    }
    expect(delivered).toBe(100);
  });

  it("a file uploaded through nginx downloads from every node and through nginx", async () => {
    const name = uniqueName("ngfiles");
    await su.collections.create({
      name,
      type: "base",
      listRule: "",
      viewRule: "",
      fields: [{ name: "doc", type: "file", maxSelect: 1, maxSize: 5 * 1024 * 1024 }],
    });
    const bytes = randomBytes(700 * 1024);
    const rec = await su.collection(name).create({ doc: new File([bytes], "doc.bin") });
    for (const url of [...cluster.nodeUrls, cluster.url, cluster.url, cluster.url]) {
      const res = await fetch(`${url}/api/files/${name}/${rec.id}/${rec.doc}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it("a limit of 6 a minute allows exactly 6 requests across the nodes (counters in PostgreSQL)", async () => {
    await setLimits(su, [limit("/api/collections/users/records", 6, 60)]);
    const from = cluster.accessLog().length;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await raw(cluster.url, "/api/collections/users/records")).status);
    expect(statuses).toEqual([...Array(6).fill(200), ...Array(6).fill(429)]);
    await expect.poll(() => cluster.accessLog().length - from).toBeGreaterThanOrEqual(12);
    expect(new Set(upstreamsSince(cluster, from))).toEqual(new Set([0, 1, 2]));
    await su.settings.update({ rateLimits: { enabled: false } });
  });

  it("nginx retries a request on the next node when a node is gone (proxy_next_upstream error)", async () => {
    const last = cluster.nodes[2];
    if (!last) throw new Error("no third node");
    await killProcess(last.child);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push((await raw(cluster.url, "/api/collections/users/records")).status);
    expect(statuses).toEqual(Array(30).fill(200));
    // A write reaching nginx while a node is down is served too (it never reached the dead node).
    const name = uniqueName("ngdown");
    await su.collections.create({
      name,
      type: "base",
      createRule: "",
      fields: [{ name: "t", type: "text" }],
    });
    for (let i = 0; i < 6; i++) await su.collection(name).create({ t: `w${i}` });
    expect((await su.collection(name).getList(1, 1)).totalItems).toBe(6);
  });
});

const withRedis = nginx && (await redisAvailable());

describe.runIf(withRedis)("3 nodes behind nginx, rate-limit counters in Redis", () => {
  let cluster: Cluster;
  afterAll(async () => {
    await cluster?.close();
  });

  it("a limit of 6 a minute allows exactly 6 requests across the nodes", async () => {
    cluster = await startCluster({ redis: REDIS_URL, redisKeyPrefix: testKeyPrefix() });
    const su = await superuser(cluster.url);
    await setLimits(su, [limit("/api/collections/users/records", 6, 60)]);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await raw(cluster.url, "/api/collections/users/records")).status);
    expect(statuses).toEqual([...Array(6).fill(200), ...Array(6).fill(429)]);
  }, 240_000);
});
