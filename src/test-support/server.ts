import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import PocketBase from "pocketbase";
import { type App, createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { systemContext } from "../records/request-context.js";
import { type S3TestServer, s3Config } from "./s3-server.js";

export type StoreKind = "sqlite" | "postgres";

export const PG_URL = process.env.BACKROOM_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
export const SUPERUSER = { email: "root@example.com", password: "correct horse battery" };

let pgChecked: Promise<boolean> | undefined;

/** Whether PostgreSQL answers. Under CI=true a missing PostgreSQL is a failure, never a skip. */
export function postgresAvailable(): Promise<boolean> {
  pgChecked ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (err) {
      if (process.env.CI === "true")
        throw new Error(`PostgreSQL is required under CI=true: ${(err as Error).message}`);
      console.warn(
        `[tests] PostgreSQL at ${PG_URL} unreachable; running SQLite only (${(err as Error).message})`,
      );
      return false;
    }
  })();
  return pgChecked;
}

/** The stores a suite runs on: both, unless PostgreSQL is missing outside CI. */
export async function storesUnderTest(): Promise<StoreKind[]> {
  return (await postgresAvailable()) ? ["sqlite", "postgres"] : ["sqlite"];
}

export interface TestServer {
  app: App;
  url: string;
  kind: StoreKind;
  /** A fresh SDK client (no auth). */
  client(): PocketBase;
  /** An SDK client signed in as the superuser. */
  superuserClient(): Promise<PocketBase>;
  close(): Promise<void>;
}

export interface ServerOptions {
  bodyLimit?: number;
  /** Keep the default rate limits on (suites about limits); off by default so suites may sign in freely. */
  rateLimits?: boolean;
  /** Rate-limit counters in this Redis (and under this key prefix) instead of memory. */
  redis?: string;
  redisKeyPrefix?: string;
  /** Start as a fresh install: no superuser, so `app.setupLink()` holds the first-run link. */
  noSuperuser?: boolean;
  /** CORS origins, comma-separated (default "*"). */
  origins?: string;
  /** Pages allowed to frame the admin UI (default 'none'). */
  adminFrameAncestors?: string;
  /** The public folder served at / (default: an empty one of the test's own). */
  publicDir?: string;
  /** A hooks folder to load (default: none). */
  hooks?: string;
  hookTimeoutMs?: number;
  dev?: boolean;
  /** Files in this S3 server's bucket (under a prefix of the server's own) instead of the data folder. */
  s3?: S3TestServer;
  /** Serve HTTPS on a free port with these PEM files (the plain port redirects when asked). */
  https?: { certFile: string; keyFile: string; redirect?: boolean };
}

/**
 * Starts a real server on a free port with its own temp SQLite file or its own PostgreSQL
 * schema, and a superuser. Close it to remove the data.
 */
export async function startServer(kind: StoreKind, extra: ServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "backroom-test-"));
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig(
    {
      http: "127.0.0.1:0",
      dir,
      logLevel: "silent",
      ...(kind === "postgres" ? { db: PG_URL, dbSchema: schema } : {}),
      ...(extra.bodyLimit ? { bodyLimit: extra.bodyLimit } : {}),
      ...(extra.redis ? { redis: extra.redis } : {}),
      ...(extra.redisKeyPrefix ? { redisKeyPrefix: extra.redisKeyPrefix } : {}),
      // No hooks unless a suite brings its own folder (never a stray ./backroom_hooks).
      hooks: extra.hooks ?? join(dir, "no-hooks"),
      publicDir: extra.publicDir ?? join(dir, "no-public"),
      ...(extra.origins ? { origins: extra.origins } : {}),
      ...(extra.adminFrameAncestors ? { adminFrameAncestors: extra.adminFrameAncestors } : {}),
      ...(extra.hookTimeoutMs ? { hookTimeoutMs: extra.hookTimeoutMs } : {}),
      ...(extra.dev ? { dev: true } : {}),
      // Dev mode writes migration files: into the test's folder, never the checkout.
      migrations: join(dir, "migrations"),
      ...(extra.s3 ? s3Config(extra.s3, schema).input : {}),
      ...(extra.https
        ? {
            https: "127.0.0.1:0",
            tlsCert: extra.https.certFile,
            tlsKey: extra.https.keyFile,
            httpsRedirect: extra.https.redirect ?? false,
          }
        : {}),
    },
    extra.s3 ? s3Config(extra.s3, schema).env : {},
  );
  const app = await createApp(config);
  if (!extra.noSuperuser)
    await app.services.records.create(
      "_superusers",
      {
        email: SUPERUSER.email,
        password: SUPERUSER.password,
        passwordConfirm: SUPERUSER.password,
        verified: true,
      },
      systemContext(),
    );
  if (!extra.rateLimits) await app.services.settings.update({ rateLimits: { enabled: false } }, null);
  const url = await app.listen();
  return {
    app,
    url,
    kind,
    client: () => new PocketBase(url),
    async superuserClient() {
      const pb = new PocketBase(url);
      pb.autoCancellation(false);
      await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      return pb;
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      if (kind === "postgres") {
        await dropSchema(schema);
      }
    },
  };
}

/** Drops a test's PostgreSQL schema and everything in it (the cleanup of every PostgreSQL test store). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
