import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectErrorBody, raw } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import { limit, setLimits, uniqueIp } from "./rate-limit-test-clients.js";
import { REDIS_URL, RedisRelay, redisAvailable, testKeyPrefix, unusedPort } from "./test-redis.js";

const hasRedis = await redisAvailable();
const LIMITS = [limit("*:auth", 2), limit("/api/health", 3)];

async function signIn(server: TestServer, ip: string) {
  return raw(server.url, "/api/collections/_superusers/auth-with-password", {
    method: "POST",
    body: { identity: "nobody@example.com", password: "not the password" },
    headers: { "x-forwarded-for": ip },
  });
}
const health = (server: TestServer, ip: string) =>
  raw(server.url, "/api/health", { headers: { "x-forwarded-for": ip } });
const listUsers = (server: TestServer, ip: string) =>
  raw(server.url, "/api/collections/users/records", { headers: { "x-forwarded-for": ip } });

describe.runIf(hasRedis).each(await storesUnderTest())("rate limits in Redis (%s)", (kind) => {
  const servers: TestServer[] = [];
  let relay: RedisRelay | undefined;

  async function serverOn(redis: string, keyPrefix = testKeyPrefix()) {
    // Limits come on once the superuser is signed in: with Redis down, sign-in itself fails closed.
    const server = await startServer(kind, { redis, redisKeyPrefix: keyPrefix });
    servers.push(server);
    await setLimits(await server.superuserClient(), LIMITS);
    return server;
  }

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await relay?.stop();
  });

  it("two nodes on one Redis share their counters", async () => {
    const prefix = testKeyPrefix();
    const [a, b] = [await serverOn(REDIS_URL, prefix), await serverOn(REDIS_URL, prefix)];
    if (!a || !b) throw new Error("servers did not start");
    const ip = uniqueIp();
    expect((await health(a, ip)).status).toBe(200);
    expect((await health(b, ip)).status).toBe(200);
    expect((await health(a, ip)).status).toBe(200);
    const refused = await health(b, ip);
    expectErrorBody(refused.body, 429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await health(a, ip)).status).toBe(429);
    expect((await health(a, uniqueIp())).status).toBe(200);
  });

  it("two nodes on one Redis share an account's failed sign-ins", async () => {
    const prefix = testKeyPrefix();
    const [a, b] = [await serverOn(REDIS_URL, prefix), await serverOn(REDIS_URL, prefix)];
    if (!a || !b) throw new Error("servers did not start");
    // Each attempt from its own address, so only the account's count (10 a minute) can refuse.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(i % 2 ? b : a, uniqueIp())).status);
    expect(statuses).toEqual([...Array(10).fill(400), 429, 429]);
    const refused = await signIn(a, uniqueIp());
    expectErrorBody(refused.body, 429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  describe("with Redis unreachable", () => {
    let down: TestServer;
    beforeAll(async () => {
      down = await serverOn(`redis://127.0.0.1:${await unusedPort()}`);
    });

    it("auth routes fail closed with 503 in the error shape", async () => {
      const res = await signIn(down, uniqueIp());
      expectErrorBody(res.body, 503);
      expect(res.headers.get("retry-after")).toBeTruthy();
    });

    it("other routes still answer", async () => {
      const ip = uniqueIp();
      for (let i = 0; i < 5; i++) expect((await health(down, ip)).status).toBe(200);
      expect((await listUsers(down, ip)).status).toBe(200);
    });
  });

  it("recovers on its own when Redis comes back", async () => {
    relay = new RedisRelay(await unusedPort());
    await relay.start();
    const server = await serverOn(relay.url);
    const ip = uniqueIp();
    expect((await signIn(server, ip)).status).toBe(400);

    await relay.stop();
    expect((await signIn(server, ip)).status).toBe(503);
    expect((await health(server, ip)).status).toBe(200);

    await relay.start();
    const deadline = Date.now() + 5000;
    let status = 503;
    while (status === 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await signIn(server, ip)).status;
    }
    expect(status).toBe(400);
    // Counting resumed: the second failed attempt was the last one allowed.
    expect((await signIn(server, ip)).status).toBe(429);
  });
});
