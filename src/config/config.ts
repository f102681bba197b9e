import { join, resolve } from "node:path";
import type { S3Options } from "../files/s3-storage.js";
import type { StoreConfig } from "../store/store.js";
import { type HttpsConfig, HttpsConfigError, type HttpsInput, parseHttpsConfig } from "./https-config.js";

/**
 * Where uploaded files go: a local folder (`<dir>/storage` on SQLite, or `--files-dir`), the
 * PostgreSQL database itself (the default on PostgreSQL: every node reads what any node wrote;
 * `importDir` is the folder earlier versions used, whose files are copied in at start), or an
 * S3-compatible bucket.
 */
export type FilesConfig =
  | { kind: "local"; dir: string }
  | { kind: "database"; importDir: string }
  | ({ kind: "s3" } & S3Options);

export interface Config {
  host: string;
  port: number;
  /** Data folder: the SQLite file, uploaded files, backups. */
  dir: string;
  store: StoreConfig;
  /** Browser origins allowed to call the API (CORS); ["*"] = any, as PocketBase by default. */
  origins: string[];
  /** CSP `frame-ancestors` sources of the admin UI: `'none'` unless an app embeds it on purpose. */
  adminFrameAncestors: string;
  hooksDir: string;
  /** A site served at `/` (PocketBase's `pb_public`); default `backroom_public` beside the data folder. */
  publicDir: string;
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
  /** A bearer token scrapers may send to `/api/metrics` (BACKROOM_METRICS_TOKEN; beside the setting's). */
  metricsToken?: string;
  /** Redis shared by every node for rate-limit counters; absent = counters in this process's memory. */
  redis?: { url: string; keyPrefix: string };
  files: FilesConfig;
  /** Serve HTTPS (then `host`/`port` only redirect to it and answer ACME challenges, if asked). */
  https?: HttpsConfig;
}

export interface ConfigInput extends HttpsInput {
  http?: string;
  /** Comma-separated CORS origins (default "*"). */
  origins?: string;
  /** Space-separated pages allowed to frame the admin UI (default 'none'). */
  adminFrameAncestors?: string;
  dir?: string;
  db?: string;
  dbSchema?: string;
  /** Streaming replicas of `db` for list/view reads (repeatable flag; BACKROOM_DB_REPLICAS comma-separated). */
  dbReplicas?: string[];
  /** false: no named prepared statements on PostgreSQL (BACKROOM_DB_PREPARED_STATEMENTS=false). */
  dbPreparedStatements?: boolean;
  hooks?: string;
  /** The public folder served at `/`. */
  publicDir?: string;
  /** Each hook handler's own time limit, in ms. */
  hookTimeoutMs?: number;
  migrations?: string;
  dev?: boolean;
  bodyLimit?: number;
  logLevel?: Config["logLevel"];
  redis?: string;
  /** Namespace of the rate-limit keys (several apps may share one Redis). */
  redisKeyPrefix?: string;
  /** Keep files in this local folder (one node, or a folder every node mounts), even on PostgreSQL. */
  filesDir?: string;
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

/** An environment switch: true/false (also on/off, 1/0); unset or empty = `fallback`. */
function onOff(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  if (/^(true|on|1)$/i.test(value)) return true;
  if (/^(false|off|0)$/i.test(value)) return false;
  throw new ConfigError(`invalid switch "${value}" (expected true or false)`);
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

const FRAME_SOURCE =
  /^(?:'self'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*:\/\/)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?(?:\/[^\s;,'"]*)?)$/i;

/**
 * CSP `frame-ancestors` sources: `'none'` alone, or `'self'`, schemes (`https:`) and hosts
 * (`https://app.example.com`, `*.example.com:443`). `none`/`self` may come without their quotes.
 * Anything else (a `;` or `,` that would start another directive) is refused.
 */
export function parseFrameAncestors(value: string): string {
  const sources = value
    .trim()
    .split(/\s+/)
    .filter((s) => s !== "")
    .map((s) => (s === "none" || s === "self" ? `'${s}'` : s));
  if (sources.length === 0 || (sources.length === 1 && sources[0] === "'none'")) return "'none'";
  for (const source of sources)
    if (!FRAME_SOURCE.test(source))
      throw new ConfigError(
        `invalid admin frame ancestor "${source}" (expected 'none', 'self', a scheme like https: or a host like https://app.example.com)`,
      );
  return sources.join(" ");
}

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(input: ConfigInput, env: NodeJS.ProcessEnv = process.env): Config {
  const dir = resolve(input.dir ?? env.BACKROOM_DIR ?? "backroom_data");
  const https = httpsConfig(input, env, dir);
  // ACME's HTTP-01 challenges come to port 80 of the domain: that is where --http goes unless given.
  const defaultHttp = https?.certificate.kind === "acme" ? "0.0.0.0:80" : "127.0.0.1:8090";
  const http = parseHttpAddress(input.http ?? env.BACKROOM_HTTP ?? defaultHttp);
  const db = input.db ?? env.BACKROOM_DB;
  let store: StoreConfig;
  if (db) {
    if (!/^postgres(ql)?:\/\//.test(db))
      throw new ConfigError(`invalid --db "${db.split("@").pop()}" (expected postgres://…)`);
    const schema = input.dbSchema ?? env.BACKROOM_DB_SCHEMA;
    const replicas = replicaUrls(input, env);
    const prepared = input.dbPreparedStatements ?? onOff(env.BACKROOM_DB_PREPARED_STATEMENTS, true);
    store = {
      kind: "postgres",
      url: db,
      ...(schema ? { schema } : {}),
      ...(replicas.length > 0 ? { replicas } : {}),
      ...(prepared ? {} : { preparedStatements: false }),
    };
  } else {
    if (replicaUrls(input, env).length > 0)
      throw new ConfigError("--db-replica needs --db (read replicas are PostgreSQL's)");
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
    files: filesConfig(input, env, dir, store.kind),
    store,
    origins: parseOrigins(input.origins ?? env.BACKROOM_ORIGINS ?? "*"),
    adminFrameAncestors: parseFrameAncestors(
      input.adminFrameAncestors ?? env.BACKROOM_ADMIN_FRAME_ANCESTORS ?? "'none'",
    ),
    hooksDir: resolve(input.hooks ?? env.BACKROOM_HOOKS ?? "backroom_hooks"),
    publicDir: resolve(input.publicDir ?? env.BACKROOM_PUBLIC_DIR ?? join(dir, "..", "backroom_public")),
    hookTimeoutMs: positiveMs(
      input.hookTimeoutMs ?? env.BACKROOM_HOOK_TIMEOUT_MS ?? 10_000,
      "hook time limit",
    ),
    migrationsDir: resolve(input.migrations ?? env.BACKROOM_MIGRATIONS ?? "backroom_migrations"),
    dev: input.dev ?? env.BACKROOM_DEV === "true",
    bodyLimit,
    jsonMaxDepth: 64,
    logLevel: input.logLevel ?? (env.BACKROOM_LOG_LEVEL as Config["logLevel"] | undefined) ?? "info",
    ...(env.BACKROOM_METRICS_TOKEN ? { metricsToken: env.BACKROOM_METRICS_TOKEN } : {}),
    ...(redisUrl
      ? {
          redis: {
            url: redisUrl,
            keyPrefix: input.redisKeyPrefix ?? env.BACKROOM_REDIS_PREFIX ?? "backroom:rl:",
          },
        }
      : {}),
    ...(https ? { https } : {}),
  };
}

function httpsConfig(input: ConfigInput, env: NodeJS.ProcessEnv, dir: string): HttpsConfig | undefined {
  try {
    return parseHttpsConfig(input, env, dir);
  } catch (err) {
    if (err instanceof HttpsConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/** `--db-replica` URLs (flags win over BACKROOM_DB_REPLICAS, a comma-separated list). */
function replicaUrls(input: ConfigInput, env: NodeJS.ProcessEnv): string[] {
  const urls = (input.dbReplicas ?? (env.BACKROOM_DB_REPLICAS ?? "").split(","))
    .map((u) => u.trim())
    .filter((u) => u !== "");
  for (const url of urls)
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new ConfigError(`invalid --db-replica "${url.split("@").pop()}" (expected postgres://…)`);
  return urls;
}

/**
 * Files go to S3 when a bucket is named (flag or BACKROOM_S3_BUCKET); else to the folder
 * `--files-dir` names; else, on PostgreSQL, into the database (so several nodes share them); else
 * to `<dir>/storage`.
 */
function filesConfig(
  input: ConfigInput,
  env: NodeJS.ProcessEnv,
  dir: string,
  store: StoreConfig["kind"],
): FilesConfig {
  const bucket = (input.s3Bucket ?? env.BACKROOM_S3_BUCKET) || undefined;
  const filesDir = (input.filesDir ?? env.BACKROOM_FILES_DIR) || undefined;
  if (!bucket && filesDir) return { kind: "local", dir: resolve(filesDir) };
  if (!bucket && store === "postgres") return { kind: "database", importDir: resolve(dir, "storage") };
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
