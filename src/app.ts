import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server as TlsServer } from "node:tls";
import type { FastifyInstance } from "fastify";
import { firstRunSetupLink } from "./admin/first-run.js";
import { RecordActions } from "./api/record-actions.js";
import { TusUploads } from "./api/tus-uploads.js";
import type { Services } from "./app/services.js";
import { FailedAttempts } from "./auth/attempts/failed-attempts.js";
import { AuthEvents } from "./auth/auth-events.js";
import { settleBackgroundJobs } from "./auth/email-flows/background-jobs.js";
import { registerLoginAlerts } from "./auth/email-flows/login-alerts.js";
import { Mailer } from "./auth/mail/mailer.js";
import { AUTO_BACKUP_CRON_ID, BackupSchedule } from "./backups/backup-schedule.js";
import { BackupService } from "./backups/backup-service.js";
import { bootstrapCollections } from "./collections/bootstrap.js";
import { CollectionService } from "./collections/collection-service.js";
import { FreshDefinitions } from "./collections/fresh-definitions.js";
import { CollectionRegistry } from "./collections/registry.js";
import type { Config } from "./config/config.js";
import { CronCatalog, cadence } from "./crons/cron-catalog.js";
import { pruneOutbox } from "./events/outbox.js";
import { DEFAULT_DISPATCHER_OPTIONS, OutboxDispatcher } from "./events/outbox-dispatcher.js";
import { fileCleanup } from "./files/file-cleanup.js";
import { importLocalFolder } from "./files/import-local-folder.js";
import { openStorage } from "./files/open-storage.js";
import { type SweepResult, sweepOrphans } from "./files/orphan-sweep.js";
import { DEFAULT_SWEEP_EVERY_MS, schedulePeriodicSweep, sweepFromAnHourAgo } from "./files/periodic-sweep.js";
import { PgStorage } from "./files/pg-storage.js";
import { cronJobName } from "./hooks/cron-scheduler.js";
import { HookRuntime } from "./hooks/hook-runtime.js";
import { HooksHost } from "./hooks/hooks-host.js";
import { createRateLimiter } from "./http/rate-limit/create-rate-limiter.js";
import { buildHttpServer } from "./http/server.js";
import { openCertificates, type TlsLog } from "./http/tls/open-certificates.js";
import { createRedirectListener, listenOn } from "./http/tls/redirect-listener.js";
import { nowDate } from "./ids.js";
import { jobQueueOptionsFromEnv } from "./jobs/job-options.js";
import { JobQueue } from "./jobs/job-queue.js";
import { registerTestJobs } from "./jobs/test-jobs.js";
import { OpsCounters } from "./metrics/ops-counters.js";
import { writeDevMigrations } from "./migrations/dev-migrations.js";
import { PushService } from "./push/push-service.js";
import { Readiness } from "./readiness/readiness.js";
import { SubscriptionForwarder } from "./realtime/forward-subscriptions.js";
import { RealtimeHub } from "./realtime/hub.js";
import { realtimeOptionsFromEnv } from "./realtime/options.js";
import { RecordQuery } from "./records/record-query.js";
import { RecordWriter } from "./records/record-writer.js";
import { SettingsService } from "./settings/settings-service.js";
import { openStore } from "./store/open-store.js";
import { outboxRetentionMs } from "./sync/retention.js";
import { traceStatements } from "./tracing/sql-spans.js";
import { startTracing } from "./tracing/tracing.js";
import { registerWebhooks } from "./webhooks/register-webhooks.js";

export interface App {
  services: Services;
  http: FastifyInstance;
  /** Listens on the configured address; resolves with the bound URL. */
  listen(): Promise<string>;
  /** Stops accepting, drains in-flight requests, closes the store. Safe to call twice. */
  close(): Promise<void>;
  /**
   * The start of a graceful stop (SIGTERM): readiness answers 503 at once, realtime clients are
   * disconnected (they reconnect through the balancer to another node) and new ones refused, while
   * every other request is still served for `windowMs`, long enough for a balancer to notice; then
   * close(). Resolves when closed.
   */
  drain(windowMs: number): Promise<void>;
  /** The startup sweep of unreferenced stored files (runs in the background after start). */
  fileSweep: Promise<SweepResult | null>;
  /** After listen(), on a fresh install (no superuser): the one-time admin setup link; else null. */
  setupLink(): string | null;
  /** After listen() with `--https` and a redirect: the plain-HTTP URL that redirects; else null. */
  redirectUrl(): string | null;
  /** Reads the TLS certificate again (files) or renews it if due (ACME); what SIGHUP does. */
  reloadCertificates(): Promise<void>;
}

/** Opens the store and builds every service the server needs (no network yet). */
export async function openServices(config: Config): Promise<Services> {
  const store = await openStore(config.store);
  try {
    const registry = new CollectionRegistry(store);
    await registry.load();
    const collections = new CollectionService(store, registry);
    await bootstrapCollections(store, registry, collections);
    const settings = new SettingsService(store);
    const definitions = new FreshDefinitions(store, registry, settings);
    // Lazy: a Redis-backed limiter connects on first use, so CLI commands never reach Redis.
    const rateLimiter = await createRateLimiter(config);
    const failedAttempts = new FailedAttempts({
      counters: rateLimiter.counters,
      limits: async () => {
        const current = await settings.get();
        return current.rateLimits.enabled ? current.authFailureLimits : null;
      },
    });
    const counters = new OpsCounters();
    const jobs = new JobQueue(store, jobQueueOptionsFromEnv(), counters.jobRuns);
    const query = new RecordQuery(store, registry);
    const mailer = new Mailer(settings);
    const push = new PushService({ store, settings, jobs });
    // Hooks write records and the writer runs hooks: the runtime reaches the writer when a hook writes.
    const hooks: HookRuntime = new HookRuntime(
      { store, registry, query, jobs, writer: (): RecordWriter => writer, mailer, push },
      config.hookTimeoutMs,
    );
    const writer: RecordWriter = new RecordWriter(store, registry, query, { hooks, failedAttempts });
    const records = new RecordActions(store, registry, query, writer, hooks);
    const realtime = new RealtimeHub({ store, registry, query }, realtimeOptionsFromEnv());
    const files = await openStorage(config.files, () => settings.get(), store.db);
    const notify =
      config.store.kind === "postgres"
        ? { url: config.store.url, schema: config.store.schema ?? "public" }
        : undefined;
    const events = new OutboxDispatcher(store, {}, notify);
    const services: Services = {
      config,
      store,
      registry,
      collections,
      records,
      settings,
      definitions,
      authEvents: new AuthEvents(),
      mailer,
      rateLimiter,
      failedAttempts,
      events,
      readiness: new Readiness({ db: store.db, sinceOutboxRead: () => events.sinceLastRead() }),
      realtime,
      jobs,
      files,
      tus: new TusUploads({
        store,
        records,
        files,
        settings: () => settings.get(),
        ...(process.env.BACKROOM_TUS_SEGMENT_BYTES
          ? { segmentBytes: Number(process.env.BACKROOM_TUS_SEGMENT_BYTES) }
          : {}),
      }),
      hooks,
      backups: new BackupService({
        store,
        storeConfig: config.store,
        dataDir: config.dir,
        files,
        settings,
        registry,
        realtime,
      }),
      crons: new CronCatalog(),
      counters,
      push,
    };
    await services.backups.start();
    return services;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** How long shutdown waits for in-flight requests before cutting the connections that remain. */
const DRAIN_MS = 10_000;

/**
 * Stops accepting and waits for in-flight requests; a client that never finishes its request
 * (a stalled upload, a half-sent body) is cut off after `graceMs` instead of holding shutdown.
 */
async function drainHttp(http: FastifyInstance, graceMs: number): Promise<void> {
  const closed = http.close();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), graceMs);
    timer.unref();
  });
  if ((await Promise.race([closed, expired])) === "expired") {
    http.log.warn("shutdown: closing connections that are still busy");
    http.server.closeAllConnections();
    await closed;
  }
  clearTimeout(timer);
}

export async function createApp(config: Config): Promise<App> {
  // Files older than this start can't belong to an upload of this process (see files/orphan-sweep).
  const startedAt = new Date();
  // Before the services: the SDK's context manager must be in place before anything runs.
  const tracing = await startTracing();
  const services = await openServices(config);
  let tlsLog: TlsLog = () => {};
  const tls = config.https
    ? openCertificates(config.https, (level, message, err) => tlsLog(level, message, err))
    : undefined;
  const http = await buildHttpServer(services, tls ? { initial: tls.source.initial() } : undefined);
  tlsLog = (level, message, err) => http.log[level](err === undefined ? {} : { err }, message);
  const stopSqlSpans = tracing
    ? traceStatements(services.store.queries, services.store.dialect, tracing)
    : () => {};
  await services.rateLimiter.warmUp();
  registerLoginAlerts(services, http.log);
  const health = services.store.health;
  health.setLogger((level, message, err) => http.log[level](err === undefined ? {} : { err }, message));
  services.store.reads?.setLogger((message, err) => http.log.warn(err === undefined ? {} : { err }, message));
  // During a database outage or while the disk is full, background loops fail on every round:
  // the first failure is logged with its cause, the rest only counted (see StoreHealth).
  const logError = (message: string, err: unknown) => {
    if (health.shouldLog(err)) http.log.error({ err }, message);
  };
  services.events.setLogger(logError);
  services.events.setRetention(async () => outboxRetentionMs(await services.settings.get()));
  services.realtime.setLogger(logError);
  services.events.subscribe((entry) => services.realtime.publish(entry));
  // File deletions wait while this node writes a backup (its snapshot may still hold those files).
  services.events.subscribe(
    services.backups.deferDuringBackup(fileCleanup(services.files, services.registry)),
  );
  services.jobs.setLogger((message, err, level = "error") => http.log[level]({ err }, message));
  registerTestJobs(services.jobs);
  registerWebhooks(services);
  services.push.register();
  const backupSchedule = registerCrons(services, logError);
  services.hooks.setLogger((level, message, data) => http.log[level](data ?? {}, message));
  const hooksHost = new HooksHost(config.hooksDir, services.hooks, services.jobs, {
    info: (message) => http.log.info(message),
    problem: (message) => process.stderr.write(`\n[hooks] ${message}\n\n`),
    error: logError,
  });
  try {
    if (config.files.kind === "database") {
      // Files an earlier version kept in this node's folder move into the database with the rest.
      const from = config.files.importDir;
      const copied = await importLocalFolder(from, new PgStorage(services.store.db));
      if (copied > 0) http.log.info({ copied, from }, "copied stored files into the database");
    }
    await hooksHost.start(config.dev);
  } catch (err) {
    // Nothing listens or runs yet: release the store so a failed start leaves nothing open.
    await http.close();
    await services.rateLimiter.close();
    await services.store.close();
    await services.files.close();
    throw err;
  }
  if (config.dev) {
    services.collections.onChange(writeDevMigrations(services, config.migrationsDir, logError));
  }
  await services.events.start();
  services.realtime.start();
  // Several nodes may share a PostgreSQL database: a client's POST may reach any of them.
  const forwarder =
    config.store.kind === "postgres"
      ? new SubscriptionForwarder({
          db: services.store.db,
          listenUrl: config.store.url,
          nodeId: services.realtime.nodeId,
          apply: (request) => services.realtime.applySubscribe(request),
          log: logError,
        })
      : undefined;
  services.realtime.remote = forwarder;
  await forwarder?.start();
  services.jobs.start();
  const stopSweep = new AbortController();
  const fileSweep = sweepOrphans(
    services.files,
    services.registry,
    services.records.query,
    startedAt,
    stopSweep.signal,
  ).then(
    (result) => {
      if (result.removed.length > 0)
        http.log.info({ removed: result.removed.length }, "removed unreferenced stored files");
      return result;
    },
    (err) => {
      logError("sweeping unreferenced stored files failed", err);
      return null;
    },
  );
  const stopPeriodicSweep = schedulePeriodicSweep(
    services.files,
    services.registry,
    services.records.query,
    Number(process.env.BACKROOM_FILE_SWEEP_EVERY_MS ?? DEFAULT_SWEEP_EVERY_MS),
    (result) => {
      if (result instanceof Error) logError("sweeping unreferenced stored files failed", result);
      else if (result.removed.length > 0)
        http.log.info({ removed: result.removed.length }, "removed unreferenced stored files");
    },
  );
  const stopTusExpiry = scheduleTusExpiry(services, (err) =>
    logError("removing expired uploads failed", err),
  );
  let closing: Promise<void> | undefined;
  let draining: Promise<void> | undefined;
  let setupLink: string | null = null;
  let redirect: Server | undefined;
  let redirectUrl: string | null = null;
  const reloadCertificates = async () => tls?.source.reload();
  const onSighup = () => void reloadCertificates();
  const app: App = {
    services,
    http,
    fileSweep,
    setupLink: () => setupLink,
    redirectUrl: () => redirectUrl,
    reloadCertificates,
    listen: async () => {
      let url: string;
      const https = config.https;
      if (https && tls) {
        // The plain port first: an ACME order started below asks it for the challenge answers.
        if (https.redirect) {
          const httpsPort = () => (http.server.address() as AddressInfo | null)?.port ?? https.port;
          redirect = createRedirectListener(httpsPort, tls.challenge);
          redirectUrl = await listenOn(redirect, config.host, config.port);
        }
        url = await http.listen({ host: https.host, port: https.port });
        await tls.source.start((pair) => (http.server as unknown as TlsServer).setSecureContext(pair));
        process.on("SIGHUP", onSighup);
      } else {
        url = await http.listen({ host: config.host, port: config.port });
      }
      services.settings.useListenAddress(applicationUrl(url));
      services.definitions.watch();
      services.registry.onChangedElsewhere(() => services.backups.noticeRestore());
      backupSchedule.start();
      setupLink = await firstRunSetupLink(services, url);
      return url;
    },
    drain(windowMs) {
      draining ??= (async () => {
        services.readiness.startDrain();
        services.realtime.disconnectAll();
        await new Promise((resolve) => setTimeout(resolve, windowMs));
        await app.close();
      })();
      return draining;
    },
    close: () => {
      closing ??= (async () => {
        // Open event streams would keep http.close() waiting: end them first.
        hooksHost.close();
        process.off("SIGHUP", onSighup);
        tls?.source.close();
        redirect?.closeAllConnections();
        await new Promise((resolve) => (redirect ? redirect.close(resolve) : resolve(undefined)));
        await backupSchedule.stop();
        stopSweep.abort();
        stopPeriodicSweep();
        stopTusExpiry();
        await fileSweep;
        await services.events.stop();
        await forwarder?.stop();
        services.realtime.close();
        // Handlers may still use the store and the network: wait for them (bounded) before closing.
        await Promise.all([drainHttp(http, DRAIN_MS), services.jobs.stop()]);
        services.definitions.stopWatching();
        services.mailer.close();
        await services.rateLimiter.close();
        await settleBackgroundJobs(services);
        await services.backups.close();
        stopSqlSpans();
        await services.store.close();
        await services.files.close();
        await tracing?.flush().catch((err) => http.log.warn({ err }, "sending the last traces failed"));
      })();
      return closing;
    },
  };
  return app;
}

/**
 * What `GET /api/crons` lists besides the hooks' jobs: the backup schedule (run here, see
 * BackupSchedule), the periodic sweep of unreferenced files and the outbox pruning (timers of their
 * own; listed with their cadence, runnable now). The request log's pruning is added by the HTTP
 * server, which owns the log writer.
 */
function registerCrons(services: Services, log: (message: string, err: unknown) => void): BackupSchedule {
  const { crons } = services;
  crons.setLogger(log);
  crons.setHooks({
    list: () => services.hooks.registry.crons.map((c) => ({ id: c.id, expression: c.expression })),
    run: async (id) => {
      const tick = new Date().toISOString();
      await services.jobs.enqueue(cronJobName(id), { tick }, { key: `cron:${id}:run:${tick}`, attempts: 1 });
    },
  });
  const schedule = new BackupSchedule({
    db: services.store.db,
    settings: () => services.settings.get(),
    run: () => services.backups.createScheduled(),
    log,
  });
  crons.add({
    id: AUTO_BACKUP_CRON_ID,
    expression: () => schedule.expression(),
    run: () => services.backups.createScheduled(),
  });
  const sweepEvery = Number(process.env.BACKROOM_FILE_SWEEP_EVERY_MS ?? DEFAULT_SWEEP_EVERY_MS);
  crons.add({
    id: "__backroomFilesSweep__",
    expression: () => cadence(sweepEvery),
    run: () => sweepFromAnHourAgo(services.files, services.registry, services.records.query),
  });
  crons.add({
    id: "__backroomTusExpire__",
    expression: () => cadence(tusExpiryEveryMs()),
    run: () => services.tus.expire(),
  });
  crons.add({
    id: "__backroomOutboxPrune__",
    expression: () => cadence(DEFAULT_DISPATCHER_OPTIONS.pruneEveryMs),
    run: async () =>
      pruneOutbox(
        services.store.db,
        nowDate(new Date(Date.now() - outboxRetentionMs(await services.settings.get()))),
      ),
  });
  return schedule;
}

const TUS_EXPIRY_EVERY_MS = 15 * 60 * 1000;

function tusExpiryEveryMs(): number {
  return Number(process.env.BACKROOM_TUS_EXPIRE_EVERY_MS ?? TUS_EXPIRY_EVERY_MS);
}

/** Removes expired resumable uploads every quarter of an hour (`BACKROOM_TUS_EXPIRE_EVERY_MS`). */
function scheduleTusExpiry(services: Services, onError: (err: unknown) => void): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    services.tus
      .expire()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, tusExpiryEveryMs());
  timer.unref();
  return () => clearInterval(timer);
}

/** The listen URL as a browser can use it: an all-interfaces address names this machine instead. */
export function applicationUrl(listenUrl: string): string {
  const url = new URL(listenUrl);
  if (url.hostname === "0.0.0.0" || url.hostname === "[::]") url.hostname = "localhost";
  return url.origin;
}
