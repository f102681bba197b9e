import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, createApp } from "../app.js";
import { type ConfigInput, loadConfig } from "../config/config.js";
import { PG_URL, type ServerOptions, startServer, type TestServer } from "./server.js";

/** One more node of a test server's database. */
export interface ExtraNode {
  app: App;
  url: string;
}

export interface Nodes {
  /** The first node (it owns the schema: closing it drops the schema). */
  first: TestServer;
  /** Every node's URL, the first's first. */
  urls: string[];
  apps: App[];
  schema: string;
  close(): Promise<void>;
}

/**
 * `count` Backroom nodes on one PostgreSQL schema, in this process, each with its own data folder
 * (as separate machines would have). `extra` applies to the first; `more` to the others too.
 */
export async function startNodes(
  count: number,
  extra: ServerOptions = {},
  more: Partial<ConfigInput> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Nodes> {
  const first = await startServer("postgres", extra);
  const store = first.app.services.config.store;
  const schema = store.kind === "postgres" ? (store.schema ?? "public") : "";
  const dirs: string[] = [];
  const others: ExtraNode[] = [];
  const closeAll = async () => {
    await Promise.all(others.map((n) => n.app.close()));
    await first.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i < count; i++) {
      const dir = mkdtempSync(join(tmpdir(), `backroom-node${i + 1}-`));
      dirs.push(dir);
      const input: ConfigInput = {
        http: "127.0.0.1:0",
        dir,
        logLevel: "silent",
        db: PG_URL,
        dbSchema: schema,
        hooks: join(dir, "no-hooks"),
        migrations: join(dir, "migrations"),
        ...(extra.redis ? { redis: extra.redis } : {}),
        ...(extra.redisKeyPrefix ? { redisKeyPrefix: extra.redisKeyPrefix } : {}),
        ...more,
      };
      const app = await createApp(loadConfig(input, env));
      others.push({ app, url: await app.listen() });
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    first,
    urls: [first.url, ...others.map((n) => n.url)],
    apps: [first.app, ...others.map((n) => n.app)],
    schema,
    close: closeAll,
  };
}
