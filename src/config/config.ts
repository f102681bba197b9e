import { resolve } from "node:path";
import type { S3Options } from "../files/s3-storage.js";
import type { StoreConfig } from "../store/store.js";

/** Where uploaded files go: `<dir>/storage` (default) or an S3-compatible bucket. */
export type FilesConfig = { kind: "local"; dir: string } | ({ kind: "s3" } & S3Options);

export interface Config {
  host: string;
  port: number;
  /** Data folder: the SQLite file, uploaded files, backups. */
  dir: string;
  store: StoreConfig;
  /** Browser origins allowed to call the API (CORS); ["*"] = any, as PocketBase by default. */
  origins: string[];
  hooksDir: string;
  /** Each hook handler's own time limit, in ms (BACKROOM_HOOK_TIMEOUT_MS). */
  hookTimeoutMs: number;
  /** Migration files (`backroom migrate`); in dev mode collection changes are written here. */
  migrationsDir: string;
  dev: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Deepest JSON nesting accepted in a body. */
  jsonMaxDepth: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Redis shared by every node for rate-limit counters; absent = counters in this process's memory. */
  redis?: { url: string; keyPrefix: string };
  files: FilesConfig;
}

export interface ConfigInput {
  http?: string;
  /** Comma-separated CORS origins (default "*"). */
  origins?: string;
  dir?: string;
  db?: string;
  dbSchema?: string;
  hooks?: string;
  /** Each hook handler's own time limit, in ms. */
  hookTimeoutMs?: number;
  migrations?: string;
  dev?: boolean;
  bodyLimit?: number;
  logLevel?: Config["logLevel"];
  redis?: string;
  /** Namespace of the rate-limit keys (several apps may share one Redis). */
  redisKeyPrefix?: string;
  /** S3 bucket for files (credentials come from the environment only, never from flags). */
  s3Bucket?: string;
  s3Region?: string;
  s3Endpoint?: string;
  s3ForcePathStyle?: boolean;
  s3Prefix?: string;
}

export class ConfigError extends Error {}

/** `host:port` or `:port` or `port`. */
export function parseHttpAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port < 0 || port > 65535)
    throw new ConfigError(`invalid --http address "${value}" (expected host:port)`);
  return { host: m[1] || "127.0.0.1", port };
}

function positiveMs(value: number | string, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError(`invalid ${what} "${value}" (expected milliseconds)`);
  return n;
}

function parseOrigins(value: string): string[] {
  const origins = value
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  for (const o of origins)
    if (o !== "*" && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError(`invalid origin "${o}" (expected * or scheme://host[:port])`);
  return origins.length > 0 ? origins : ["*"];
}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): Config {
  const http = parseHttpAddress(input.http ?? env.BACKROOM_HTTP ?? "127.0.0.1:8090");
  const dir = resolve(input.dir ?? env.BACKROOM_DIR ?? "backroom_data");
  const db = input.db ?? env.BACKROOM_DB;
  let store: StoreConfig;
  if (db) {
    if (!/^postgres(ql)?:\/\//.test(db))
      throw new ConfigError(`invalid --db "${db.split("@").pop()}" (expected postgres://…)`);
    const schema = input.dbSchema ?? env.BACKROOM_DB_SCHEMA;
    store = { kind: "postgres", url: db, ...(schema ? { schema } : {}) };
  } else {
    store = { kind: "sqlite", file: resolve(dir, "data.db") };
  }
  const bodyLimit = input.bodyLimit ?? Number(env.BACKROOM_BODY_LIMIT ?? 32 * 1024 * 1024);
  if (!Number.isFinite(bodyLimit) || bodyLimit <= 0) throw new ConfigError("invalid body limit");
  const redisUrl = (input.redis ?? env.BACKROOM_REDIS) || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl))
    throw new ConfigError(`invalid --redis "${redisUrl.split("@").pop()}" (expected redis://…)`);
  return {
    ...http,
    dir,
    files: filesConfig(input, env, dir),
    store,
    origins: parseOrigins(input.origins ?? env.BACKROOM_ORIGINS ?? "*"),
    hooksDir: resolve(input.hooks ?? env.BACKROOM_HOOKS ?? "backroom_hooks"),
    hookTimeoutMs: positiveMs(
      input.hookTimeoutMs ?? env.BACKROOM_HOOK_TIMEOUT_MS ?? 10_000,
      "hook time limit",
    ),
    migrationsDir: resolve(input.migrations ?? env.BACKROOM_MIGRATIONS ?? "backroom_migrations"),
    dev: input.dev ?? env.BACKROOM_DEV === "true",
    bodyLimit,
    jsonMaxDepth: 64,
    logLevel: input.logLevel ?? (env.BACKROOM_LOG_LEVEL as Config["logLevel"] | undefined) ?? "info",
    ...(redisUrl
      ? {
          redis: {
            url: redisUrl,
            keyPrefix: input.redisKeyPrefix ?? env.BACKROOM_REDIS_PREFIX ?? "backroom:rl:",
          },
        }
      : {}),
  };
}

/** Files go to S3 when a bucket is named (flag or BACKROOM_S3_BUCKET), else to `<dir>/storage`. */
function filesConfig(input: ConfigInput, env: NodeJS.ProcessEnv, dir: string): FilesConfig {
  const bucket = (input.s3Bucket ?? env.BACKROOM_S3_BUCKET) || undefined;
  if (!bucket) return { kind: "local", dir: resolve(dir, "storage") };
  const endpoint = (input.s3Endpoint ?? env.BACKROOM_S3_ENDPOINT) || undefined;
  if (endpoint !== undefined && !/^https?:\/\/\S+$/.test(endpoint))
    throw new ConfigError(`invalid S3 endpoint "${endpoint}" (expected http(s)://…)`);
  const accessKeyId = env.BACKROOM_S3_ACCESS_KEY || undefined;
  const secretAccessKey = env.BACKROOM_S3_SECRET || undefined;
  const prefix = (input.s3Prefix ?? env.BACKROOM_S3_PREFIX) || undefined;
  return {
    kind: "s3",
    bucket,
    region: (input.s3Region ?? env.BACKROOM_S3_REGION) || "us-east-1",
    forcePathStyle: input.s3ForcePathStyle ?? env.BACKROOM_S3_FORCE_PATH_STYLE === "true",
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : {}),
    ...(prefix ? { prefix } : {}),
  };
}
