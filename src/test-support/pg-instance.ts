import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own: its own data folder, port and socket folder, so a test may
 * stop it, kill its connections or start it again without disturbing the shared server or another
 * test. Trust auth, fsync off (nothing here must survive a machine crash; a server crash is
 * survived through the WAL, which is still written before a commit returns).
 */
export interface PgInstance {
  readonly port: number;
  /** The `postgres` database (for admin queries). */
  readonly url: string;
  /** The URL of a database on this instance. */
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** `pg_ctl stop`: `immediate` kills the server without a shutdown checkpoint (a crash). */
  stop(opts?: { mode?: "fast" | "immediate" }): Promise<void>;
  /** Starts the server again (after a crash it replays its WAL first); resolves once it accepts connections. */
  start(): Promise<void>;
  /** `pg_terminate_backend` on every backend connected to `database`; resolves with how many. */
  terminateBackends(database: string): Promise<number>;
  /** Stops the server and removes its folder. */
  destroy(): Promise<void>;
}

/** Where a server binary is: on PATH, else Debian's versioned folder; undefined when missing. */
function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  for (const version of ["17", "16", "15", "14"]) {
    const path = `/usr/lib/postgresql/${version}/bin/${name}`;
    if (existsSync(path)) return path;
  }
  return undefined;
}

export function binary(name: string): string {
  const path = findBinary(name);
  if (!path) throw new Error(`PostgreSQL's ${name} was not found (PATH or /usr/lib/postgresql/*/bin)`);
  return path;
}

/**
 * Whether a test can start its own PostgreSQL (initdb and pg_ctl installed). Under CI=true their
 * absence is a failure, never a skip.
 */
export function pgInstanceAvailable(): boolean {
  const missing = ["initdb", "pg_ctl"].filter((name) => !findBinary(name));
  if (missing.length === 0) return true;
  const message = `PostgreSQL server binaries missing (${missing.join(", ")}): a test-owned PostgreSQL can't start`;
  if (process.env.CI === "true") throw new Error(`${message}; they are required under CI=true`);
  console.warn(`[tests] ${message}; skipping`);
  return false;
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` account. */
export function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** initdb into a temp folder and start the server on a free port (a few seconds: one per test file). */
export async function startPgInstance(): Promise<PgInstance> {
  const account = serverAccount();
  const root = mkdtempSync(join(tmpdir(), "backroom-pg-"));
  if (account) chownSync(root, account.uid, account.gid);
  const data = join(root, "data");
  const logFile = join(root, "server.log");
  const port = await freePort();
  const as = account ?? {};
  const pgCtl = (...args: string[]) => run(binary("pg_ctl"), ["-D", data, ...args], { ...as, cwd: root });

  await run(
    binary("initdb"),
    ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
    { ...as, cwd: root },
  );
  const serverOptions = [
    `-k ${root}`,
    "-c listen_addresses=127.0.0.1",
    `-p ${port}`,
    "-c fsync=off",
    "-c full_page_writes=off",
    "-c max_connections=100",
  ].join(" ");
  const start = async () => {
    try {
      await pgCtl("-l", logFile, "-w", "-t", "60", "-o", serverOptions, "start");
    } catch (err) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "";
      throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
    }
  };
  await start();

  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: urlFor("postgres"), connectionTimeoutMillis: 5000 });
    client.on("error", () => {});
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  };
  let running = true;

  return {
    port,
    url: urlFor("postgres"),
    urlFor,
    createDatabase: (name) =>
      admin(async (client) => {
        await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      }),
    async stop(opts = {}) {
      await pgCtl("-m", opts.mode ?? "fast", "-w", "stop");
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    terminateBackends: (database) =>
      admin(async (client) => {
        const result = await client.query(
          "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [database],
        );
        return result.rows.filter((r: { ok: boolean }) => r.ok).length;
      }),
    async destroy() {
      if (running) await pgCtl("-m", "immediate", "-w", "stop").catch(() => {});
      running = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
