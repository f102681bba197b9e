import { afterAll, describe, expect, it } from "vitest";
import { expectErrorBody, raw } from "../../test-support/api.js";
import { type Nodes, startNodes } from "../../test-support/nodes.js";
import { RoundRobinProxy } from "../../test-support/round-robin-proxy.js";
import { storesUnderTest } from "../../test-support/server.js";
import { limit, setLimits } from "./rate-limit-test-clients.js";
import { REDIS_URL, redisAvailable, testKeyPrefix } from "./test-redis.js";

// Three nodes on one PostgreSQL schema behind a round-robin balancer: a limit holds for the whole
// cluster, whether the counters are in PostgreSQL (no Redis configured) or in Redis.
const hasPostgres = (await storesUnderTest()).includes("postgres");
const hasRedis = hasPostgres && (await redisAvailable());

const cases = [
  { counters: "postgres", run: hasPostgres },
  { counters: "redis", run: hasRedis },
].filter((c) => c.run);

describe.each(cases)("a rate limit across 3 nodes (counters in $counters)", ({ counters }) => {
  let nodes: Nodes | undefined;
  let proxy: RoundRobinProxy | undefined;

  afterAll(async () => {
    await proxy?.stop();
    await nodes?.close();
  });

  it("6 a minute allows exactly 6 requests, whichever node each lands on", async () => {
    nodes = await startNodes(
      3,
      counters === "redis" ? { redis: REDIS_URL, redisKeyPrefix: testKeyPrefix() } : {},
    );
    // Each node writes the same settings, so none waits for its cache to expire.
    for (const app of nodes.apps) {
      const su = await nodes.first.superuserClient();
      su.baseURL = nodes.urls[nodes.apps.indexOf(app)] as string;
      await setLimits(su, [limit("/api/health", 6, 60)]);
    }
    proxy = new RoundRobinProxy(nodes.urls);
    const url = await proxy.start();
    const statuses: number[] = [];
    const refusals = [];
    for (let i = 0; i < 12; i++) {
      const res = await raw(url, "/api/health");
      statuses.push(res.status);
      if (res.status === 429) refusals.push(res);
    }
    expect(statuses).toEqual([...Array(6).fill(200), ...Array(6).fill(429)]);
    // Every node refused at least once: the count is the cluster's, not one node's.
    expect(new Set(proxy.routed.slice(6).map((r) => r.upstream))).toEqual(new Set([0, 1, 2]));
    for (const res of refusals) {
      expectErrorBody(res.body, 429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  });
});
