import { Command, Option } from "commander";
import { createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { migrateUp } from "../migrations/user-migrations.js";
import { storeOptions } from "./main.js";

interface ServeOptions {
  migrations?: string;
  http?: string;
  origins?: string;
  dir?: string;
  db?: string;
  dbSchema?: string;
  hooks?: string;
  dev?: boolean;
  redis?: string;
  s3Bucket?: string;
  s3Region?: string;
  s3Endpoint?: string;
  s3ForcePathStyle?: boolean;
}

export function serveCommand(): Command {
  return storeOptions(
    new Command("serve")
      .description("start the server")
      .addOption(
        new Option("--http <host:port>", "address to listen on (default 127.0.0.1:8090)").env(
          "BACKROOM_HTTP",
        ),
      )
      .addOption(
        new Option(
          "--origins <list>",
          "browser origins allowed to call the API, comma-separated (default *)",
        ).env("BACKROOM_ORIGINS"),
      )
      .addOption(new Option("--hooks <dir>", "folder of TypeScript/JavaScript hooks").env("BACKROOM_HOOKS"))
      .addOption(
        new Option(
          "--migrations <dir>",
          "migrations folder, applied at start (default ./backroom_migrations)",
        ).env("BACKROOM_MIGRATIONS"),
      )
      .addOption(
        new Option("--redis <url>", "Redis shared by all nodes for rate limits (redis://…)").env(
          "BACKROOM_REDIS",
        ),
      )
      .addOption(
        new Option(
          "--s3-bucket <name>",
          "store files in this S3 bucket (credentials: BACKROOM_S3_ACCESS_KEY/SECRET)",
        ).env("BACKROOM_S3_BUCKET"),
      )
      .addOption(
        new Option("--s3-region <region>", "S3 region (default us-east-1)").env("BACKROOM_S3_REGION"),
      )
      .addOption(
        new Option("--s3-endpoint <url>", "S3-compatible endpoint (MinIO, R2, …)").env(
          "BACKROOM_S3_ENDPOINT",
        ),
      )
      .option("--s3-force-path-style", "address the bucket in the path, not the host name")
      .option("--dev", "development mode: verbose logs, reload hooks on change"),
  ).action(async (opts: ServeOptions) => {
    const config = loadConfig({ ...opts, ...(opts.dev ? { logLevel: "debug" as const } : {}) });
    const app = await createApp(config);
    // As PocketBase does: committed migration files are applied when the server starts.
    const applied = await migrateUp(app.services, config.migrationsDir).catch(async (err) => {
      await app.close();
      throw err;
    });
    if (applied.length > 0) {
      await app.services.registry.load();
      app.http.log.info({ applied }, "applied migrations");
    }
    // A promise a hook forgot to await must not take the whole server down with it.
    process.on("unhandledRejection", (reason) => {
      app.http.log.error({ err: reason }, "unhandled promise rejection (a hook's missing await?)");
    });
    // A taken port ends the command (exit 1, one line) instead of leaving the app's pools and
    // timers keeping a process alive that serves nothing.
    const url = await app.listen().catch(async (err) => {
      await app.close();
      throw err;
    });
    app.http.log.info({ url, store: app.services.store.location }, "Backroom is serving");
    process.stdout.write(`Backroom serving at ${url}  (admin: ${url}/_/, API: ${url}/api/)\n`);
    const setupLink = app.setupLink();
    if (setupLink) process.stdout.write(`Open ${setupLink} to create your first superuser\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        app.http.log.info({ signal }, "shutting down: draining requests");
        app.close().then(resolve, resolve);
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
  });
}
