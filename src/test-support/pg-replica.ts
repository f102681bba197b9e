import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { binary, freePort, type PgInstance, serverAccount } from "./pg-instance.js";

const run = promisify(execFile);

/** A hot standby of a test-owned PostgreSQL, streaming its WAL, on its own port and folder. */
export interface PgReplica {
  readonly port: number;
  urlFor(database: string): string;
  /** `pg_wal_replay_pause()`: WAL still arrives, nothing of it is applied until resumed. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** `pg_last_wal_replay_lsn()` as text. */
  replayLsn(): Promise<string>;
  /** Runs a query on the standby (as the `postgres` superuser, database `postgres` unless named). */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[], database?: string): Promise<T[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * `pg_basebackup -R` of `primary` (which must be running; PostgreSQL's defaults already allow a
 * replication connection under the trust auth `startPgInstance` sets up), started as a hot standby.
 */
export async function startPgReplica(primary: PgInstance): Promise<PgReplica> {
  const account = serverAccount();
  const root = mkdtempSync(join(tmpdir(), "backroom-pg-replica-"));
  if (account) chownSync(root, account.uid, account.gid);
  const data = join(root, "data");
  const logFile = join(root, "server.log");
  const port = await freePort();
  const as = { ...(account ?? {}), cwd: root };
  await run(
    binary("pg_basebackup"),
    [
      "-D",
      data,
      "-h",
      "127.0.0.1",
      "-p",
      String(primary.port),
      "-U",
      "postgres",
      "-R",
      "-X",
      "stream",
      "--checkpoint=fast",
      "--no-sync",
    ],
    as,
  );
  const serverOptions = [
    `-k ${root}`,
    "-c listen_addresses=127.0.0.1",
    `-p ${port}`,
    "-c fsync=off",
    "-c hot_standby=on",
    "-c max_connections=100",
  ].join(" ");
  const pgCtl = (...args: string[]) => run(binary("pg_ctl"), ["-D", data, ...args], as);
  const start = async () => {
    try {
      await pgCtl("-l", logFile, "-w", "-t", "60", "-o", serverOptions, "start");
    } catch (err) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "";
      throw new Error(`the replica did not start: ${(err as Error).message}\n${log}`);
    }
  };
  await start();
  let running = true;
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const query = async <T extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    database = "postgres",
  ) => {
    const client = new pg.Client({ connectionString: urlFor(database), connectionTimeoutMillis: 5000 });
    client.on("error", () => {});
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end().catch(() => {});
    }
  };
  return {
    port,
    urlFor,
    query,
    pauseReplay: async () => {
      await query("SELECT pg_wal_replay_pause()");
    },
    resumeReplay: async () => {
      await query("SELECT pg_wal_replay_resume()");
    },
    replayLsn: async () =>
      (await query<{ lsn: string }>("SELECT pg_last_wal_replay_lsn()::text AS lsn"))[0]?.lsn ?? "",
    async stop() {
      await pgCtl("-m", "fast", "-w", "stop");
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async destroy() {
      if (running) await pgCtl("-m", "immediate", "-w", "stop").catch(() => {});
      running = false;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
