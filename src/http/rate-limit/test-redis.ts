import { randomBytes } from "node:crypto";
import net from "node:net";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.BACKROOM_TEST_REDIS ?? "redis://127.0.0.1:6379";

/** Whether Redis answers. Under CI=true a missing Redis is a failure, never a skip. */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (err) {
    if (process.env.CI === "true")
      throw new Error(`Redis is required under CI=true: ${(err as Error).message}`);
    console.warn(
      `[tests] Redis at ${REDIS_URL} unreachable; skipping Redis suites (${(err as Error).message})`,
    );
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A key prefix of its own, so suites sharing a Redis don't share counters. */
export const testKeyPrefix = () => `backroom-test:${randomBytes(4).toString("hex")}:`;

/** A port nothing listens on (bound then released). */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP relay to Redis that a test can take down and bring back on the same port. */
export class RedisRelay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const target = new URL(REDIS_URL);
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
