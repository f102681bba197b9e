import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import pg from "pg";
import { type Config, type ConfigInput, loadConfig } from "../../config/config.js";
import { openStore } from "../../store/open-store.js";
import { type S3TestServer, s3Config } from "../../test-support/s3-server.js";
import { PG_URL, type StoreKind, SUPERUSER } from "../../test-support/server.js";
import { openStorage } from "../open-storage.js";
import type { SweepResult } from "../orphan-sweep.js";
import type { FileStorage } from "../storage.js";
import type { StorageKind } from "./storage-matrix.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const BUNDLES = join(ROOT, "test-artifacts", "server-process");
const HOUR = 3600_000;

let bundled: Promise<string> | undefined;

/**
 * serve-child.ts as one ES module, built once per test process: the child runs the current
 * sources without a compile of the whole project (esbuild ignores types, so another change that
 * doesn't type-check yet can't stop it). Named by its content, so parallel test processes share
 * it; it lives two folders below the checkout, as dist/ files do, so paths the server finds from
 * its own location still resolve.
 */
function childScript(): Promise<string> {
  bundled ??= (async () => {
    const built = await build({
      entryPoints: [join(ROOT, "src/files/test-support/serve-child.ts")],
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      logLevel: "silent",
    });
    const code = built.outputFiles[0]?.contents;
    if (!code) throw new Error("esbuild produced no output");
    mkdirSync(BUNDLES, { recursive: true });
    const file = join(
      BUNDLES,
      `serve-child-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.mjs`,
    );
    forgetOldBundles(file);
    if (!existsSync(file)) {
      const partial = `${file}.${process.pid}`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    return file;
  })();
  return bundled;
}

/** Bundles of sources long changed (a child reads its bundle only as it starts). */
function forgetOldBundles(current: string): void {
  for (const name of readdirSync(BUNDLES)) {
    const path = join(BUNDLES, name);
    if (path === current) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > HOUR) rmSync(path, { force: true });
    } catch {
      // Another test process removed it first.
    }
  }
}

/** A running server process. */
export interface ServerProcess {
  url: string;
  pid: number;
  /** What the sweep at startup removed (or the shifted sweep's, with `sweepAsOf`). */
  swept: Promise<SweepResult | null>;
  /** The process's resident memory now, in bytes (VmRSS of /proc/<pid>/status). */
  rss(): number;
  /** Bytes the process has read so far, sockets included (rchar of /proc/<pid>/io). */
  bytesRead(): number;
  /** SIGKILL: no cleanup of any kind, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop(): Promise<void>;
}

/**
 * One server's data (a temp folder, a PostgreSQL schema, an S3 prefix) and the processes that
 * serve it: started, killed and started again on the same data. `storage` is the same file
 * storage opened from the test, to see what is stored.
 */
export interface ServerSite {
  config: Config;
  storage: FileStorage;
  start(opts?: { sweepAsOf?: Date }): Promise<ServerProcess>;
  dispose(): Promise<void>;
}

export async function serverSite(
  kind: StoreKind,
  storageKind: StorageKind,
  s3?: S3TestServer,
): Promise<ServerSite> {
  const dir = mkdtempSync(join(tmpdir(), "backroom-proc-"));
  const schema = `p_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (storageKind === "s3" && !s3) throw new Error("an S3 site needs the S3 server");
  const files = storageKind === "s3" && s3 ? s3Config(s3, schema) : { input: {}, env: {} };
  const input: ConfigInput = {
    http: "127.0.0.1:0",
    dir,
    logLevel: "warn",
    hooks: join(dir, "no-hooks"),
    migrations: join(dir, "migrations"),
    ...(kind === "postgres" ? { db: PG_URL, dbSchema: schema } : {}),
    ...files.input,
  };
  const config = loadConfig(input, files.env);
  // Files in the database: seen through a store of the test's own on the same schema.
  const store = config.files.kind === "database" ? await openStore(config.store) : undefined;
  const storage = await openStorage(config.files, undefined, store?.db);
  const running = new Set<ServerProcess>();
  const script = await childScript();
  return {
    config,
    storage,
    async start(opts = {}) {
      const env = {
        ...process.env,
        ...files.env,
        BACKROOM_TEST_SERVER: JSON.stringify({
          input,
          superuser: SUPERUSER,
          ...(opts.sweepAsOf ? { sweepAsOf: opts.sweepAsOf.toISOString() } : {}),
        }),
      };
      const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      const server = await serving(child);
      running.add(server);
      child.once("exit", () => running.delete(server));
      return server;
    },
    async dispose() {
      await Promise.all([...running].map((s) => s.kill()));
      await storage.close();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
      if (kind === "postgres") {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    },
  };
}

/** Resolves once the child says READY; its SWEPT line settles `swept` later. */
function serving(child: ChildProcess): Promise<ServerProcess> {
  const pid = child.pid as number;
  let output = "";
  let onSwept: (result: SweepResult | null) => void = () => {};
  const swept = new Promise<SweepResult | null>((resolve) => (onSwept = resolve));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    child.stderr?.on("data", (data: Buffer) => (output += data.toString()));
    child.stdout?.on("data", (data: Buffer) => {
      output += data.toString();
      const ready = /READY (\S+)\n/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({
          url: ready[1] as string,
          pid,
          swept,
          rss: () => procField(`/proc/${pid}/status`, "VmRSS") * 1024,
          bytesRead: () => procField(`/proc/${pid}/io`, "rchar"),
          kill: signal("SIGKILL"),
          stop: signal("SIGTERM"),
        });
      }
      const done = /SWEPT (.+)\n/.exec(output);
      if (done) onSwept(JSON.parse(done[1] as string) as SweepResult | null);
    });
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      onSwept(null);
      reject(new Error(`server exited (${code ?? sig}): ${output}`));
    });
  });
}

/** A number from a `Name: value` line of a /proc file (`VmRSS: 123 kB` → 123). */
function procField(path: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(readFileSync(path, "utf8"));
  if (!m) throw new Error(`no ${name} in ${path}`);
  return Number(m[1]);
}
