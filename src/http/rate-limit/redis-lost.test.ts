import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../../jobs/test-support/wait-until.js";
import { expectRawError, raw } from "../../test-support/api.js";
import { SUPERUSER } from "../../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../../test-support/server-process.js";
import { limit, setLimits, uniqueIp } from "./rate-limit-test-clients.js";
import { unusedPort } from "./test-redis.js";

const BIN = join(import.meta.dirname, "../../../bin/backroom.js");
const REDIS_SERVER = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p));

/** This suite starts its own Redis: without redis-server it fails under CI=true, else is skipped (said so). */
function redisServerAvailable(): boolean {
  if (REDIS_SERVER) return true;
  if (process.env.CI === "true") throw new Error("redis-server is required under CI=true");
  console.warn("[tests] redis-server not installed: skipping the lost-Redis suite");
  return false;
}

/** `redis-server` as this test's child on `port`, nothing saved; resolves once it answers. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER as string, ["--port", String(port), "--save", "", "--daemonize", "no"], {
    stdio: "ignore",
  });
  await waitUntil(
    () =>
      new Promise<boolean>((resolve) => {
        const probe = net.connect(port, "127.0.0.1");
        probe.once("connect", () => {
          probe.destroy();
          resolve(true);
        });
        probe.once("error", () => resolve(false));
      }),
    "redis-server to listen",
  );
  return child;
}

const signIn = (url: string, ip: string) =>
  raw(url, "/api/collections/_superusers/auth-with-password", {
    method: "POST",
    body: { identity: "nobody@example.com", password: "not the password" },
    headers: { "x-forwarded-for": ip },
  });
const listUsers = (url: string, ip: string) =>
  raw(url, "/api/collections/users/records", { headers: { "x-forwarded-for": ip } });

/**
 * Rate-limit counters in Redis are a dependency like the database: losing Redis must never end
 * the process. Auth routes fail closed (503 with Retry-After: unlimited password guessing is
 * worse), every other route fails open (served without counting).
 */
describe.runIf(redisServerAvailable())("Redis lost while serving (a separate backroom process)", () => {
  const dirs: string[] = [];
  const servers: SpawnedServer[] = [];
  let redis: ChildProcess | undefined;

  beforeAll(ensureBuilt, 180_000);
  afterAll(async () => {
    for (const server of servers) await killProcess(server.child);
    if (redis) await killProcess(redis);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * `backroom serve` on a fresh SQLite folder with counters in `redisUrl` and a 3-per-minute auth
   * limit. The limits are set first by a server without Redis (signing in needs the counters).
   */
  async function serveWith(redisUrl: string): Promise<SpawnedServer> {
    const dir = mkdtempSync(join(tmpdir(), "backroom-redis-lost-"));
    dirs.push(dir);
    await promisify(execFile)(process.execPath, [
      BIN,
      "superuser",
      "upsert",
      SUPERUSER.email,
      SUPERUSER.password,
      "--dir",
      dir,
    ]);
    const args = ["--dir", dir, "--hooks", join(dir, "no-hooks")];
    const setup = await serveProcess(args);
    const su = new PocketBase(setup.url);
    su.autoCancellation(false);
    await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
    await setLimits(su, [limit("*:auth", 3)]);
    await killProcess(setup.child);
    const server = await serveProcess([...args, "--redis", redisUrl]);
    servers.push(server);
    return server;
  }

  const alive = (server: SpawnedServer) => server.child.exitCode === null && server.child.signalCode === null;

  it("Redis killed and started again: auth 503 with Retry-After meanwhile, other routes served, no exit", async () => {
    const port = await unusedPort();
    redis = await startRedis(port);
    const server = await serveWith(`redis://127.0.0.1:${port}`);
    const ip = uniqueIp();
    expect((await signIn(server.url, ip)).status).toBe(400);

    await killProcess(redis);
    const refused = await signIn(server.url, ip);
    expectRawError(refused, 503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect((await listUsers(server.url, uniqueIp())).status).toBe(200);
    expect((await raw(server.url, "/api/health")).status).toBe(200);
    expect(alive(server)).toBe(true);

    redis = await startRedis(port);
    // Counting resumes on its own (a fresh Redis: the counter starts again).
    await waitUntil(async () => (await signIn(server.url, ip)).status === 400, "sign-in to be counted again");
    expect((await signIn(server.url, ip)).status).toBe(400);
    expect((await signIn(server.url, ip)).status).toBe(400);
    expect((await signIn(server.url, ip)).status).toBe(429);
    expect(alive(server)).toBe(true);
  }, 60_000);

  it("a Redis port where nothing listens: the server starts and serves, auth fails closed", async () => {
    const server = await serveWith(`redis://127.0.0.1:${await unusedPort()}`);
    const ip = uniqueIp();
    expectRawError(await signIn(server.url, ip), 503);
    expect((await listUsers(server.url, ip)).status).toBe(200);
    expect(alive(server)).toBe(true);
  }, 60_000);
});
