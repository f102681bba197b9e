import { Command, Option } from "commander";
import { createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { migrateUp } from "../migrations/user-migrations.js";
import { storeOptions } from "./store-options.js";

interface ServeOptions {
  migrations?: string;
  http?: string;
  origins?: string;
  adminFrameAncestors?: string;
  dir?: string;
  db?: string;
  dbSchema?: string;
  hooks?: string;
  publicDir?: string;
  dev?: boolean;
  redis?: string;
  dbReplica?: string[];
  filesDir?: string;
  s3Bucket?: string;
  s3Region?: string;
  s3Endpoint?: string;
  s3ForcePathStyle?: boolean;
  https?: string;
  tlsCert?: string;
  tlsKey?: string;
  httpsRedirect?: boolean;
  acmeEmail?: string;
  acmeDirectory?: string;
  acmeCa?: string;
  drainMs?: string;
}

/**
 * How long a PostgreSQL node keeps serving after SIGTERM while answering "not ready", so a
 * balancer notices. On SQLite (one node, nothing to move traffic to) the default is no drain.
 */
const DEFAULT_DRAIN_MS = 5000;

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
      .addOption(
        new Option(
          "--admin-frame-ancestors <sources>",
          "pages allowed to frame the admin UI, space-separated CSP sources (default 'none')",
        ).env("BACKROOM_ADMIN_FRAME_ANCESTORS"),
      )
      .addOption(new Option("--hooks <dir>", "folder of TypeScript/JavaScript hooks").env("BACKROOM_HOOKS"))
      .addOption(
        new Option(
          "--public-dir <dir>",
          "a site served at / beside the API (default: backroom_public next to the data folder)",
        ).env("BACKROOM_PUBLIC_DIR"),
      )
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
          "--db-replica <url>",
          "a streaming replica of --db for list/view reads (repeat for several; env: comma-separated)",
        )
          .argParser((url: string, previous: string[] = []) => [...previous, url])
          .env("BACKROOM_DB_REPLICAS"),
      )
      .addOption(
        new Option(
          "--files-dir <path>",
          "keep uploaded files in this folder (one node, or one every node mounts); default on PostgreSQL: in the database",
        ).env("BACKROOM_FILES_DIR"),
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
      .addOption(
        new Option(
          "--https <host:port|domain>",
          "serve HTTPS here: with --tls-cert/--tls-key, or a public domain name for automatic certificates (ACME)",
        ).env("BACKROOM_HTTPS"),
      )
      .addOption(
        new Option("--tls-cert <file>", "PEM certificate chain (reloaded on change and on SIGHUP)").env(
          "BACKROOM_TLS_CERT",
        ),
      )
      .addOption(new Option("--tls-key <file>", "PEM private key of --tls-cert").env("BACKROOM_TLS_KEY"))
      .option("--https-redirect", "the --http port only redirects to HTTPS (always so with ACME)")
      .addOption(
        new Option("--acme-email <address>", "contact address for the ACME account (expiry notices)").env(
          "BACKROOM_ACME_EMAIL",
        ),
      )
      .addOption(
        new Option("--acme-directory <url>", "ACME server directory (default: Let's Encrypt)").env(
          "BACKROOM_ACME_DIRECTORY",
        ),
      )
      .addOption(
        new Option("--acme-ca <file>", "PEM CA of a private ACME server's own HTTPS").env("BACKROOM_ACME_CA"),
      )
      .addOption(
        new Option(
          "--drain-ms <ms>",
          `after SIGTERM, keep serving this long while readiness answers 503 (default ${DEFAULT_DRAIN_MS} on PostgreSQL, 0 on SQLite)`,
        ).env("BACKROOM_DRAIN_MS"),
      )
      .option("--dev", "development mode: verbose logs, reload hooks on change"),
  ).action(async (opts: ServeOptions) => {
    const { dbReplica, drainMs: drainText, ...rest } = opts;
    const drainMs = drainText === undefined ? undefined : Number(drainText);
    if (drainMs !== undefined && !(Number.isFinite(drainMs) && drainMs >= 0))
      throw new Error(`--drain-ms: not a number of milliseconds: ${drainText}`);
    const config = loadConfig({
      ...rest,
      ...(dbReplica ? { dbReplicas: dbReplica.flatMap((u) => u.split(",")) } : {}),
      ...(opts.dev ? { logLevel: "debug" as const } : {}),
    });
    const drainWindow = drainMs ?? (config.store.kind === "postgres" ? DEFAULT_DRAIN_MS : 0);
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
    // `systemctl reload` sends SIGHUP: with --https the app re-reads its certificates; without,
    // the signal must not end the process (Node's default for SIGHUP).
    if (!config.https)
      process.on("SIGHUP", () => app.http.log.info("SIGHUP: nothing to reload without --https"));
    const redirectUrl = app.redirectUrl();
    if (redirectUrl) process.stdout.write(`${redirectUrl} redirects to HTTPS\n`);
    const setupLink = app.setupLink();
    if (setupLink) process.stdout.write(`Open ${setupLink} to create your first superuser\n`);
    await new Promise<void>((resolve) => {
      // SIGTERM (a deploy, an orchestrator): drain, so the balancer moves traffic before the
      // node goes. SIGINT (Ctrl-C), or a second signal: stop now (in-flight requests still finish).
      const stop = (signal: string) => {
        app.http.log.info({ signal }, "shutting down: draining requests");
        app.close().then(resolve, resolve);
      };
      process.once("SIGTERM", () => {
        app.http.log.info(
          { drainMs: drainWindow },
          "SIGTERM: answering not ready, serving until the drain ends",
        );
        app.drain(drainWindow).then(resolve, resolve);
        process.once("SIGTERM", () => stop("SIGTERM"));
      });
      process.once("SIGINT", () => stop("SIGINT"));
    });
  });
}
