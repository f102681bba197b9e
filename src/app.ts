import type { FastifyInstance } from "fastify";
import { firstRunSetupLink } from "./admin/first-run.js";
import { AuthEvents } from "./auth/auth-events.js";
import { settleBackgroundJobs } from "./auth/email-flows/background-jobs.js";
import { registerLoginAlerts } from "./auth/email-flows/login-alerts.js";
import { Mailer } from "./auth/mail/mailer.js";
import { bootstrapCollections } from "./collections/bootstrap.js";
import { CollectionService } from "./collections/collection-service.js";
import { CollectionRegistry } from "./collections/registry.js";
import type { Config } from "./config/config.js";
import { OutboxDispatcher } from "./events/outbox-dispatcher.js";
import { fileCleanup } from "./files/file-cleanup.js";
import { openStorage } from "./files/open-storage.js";
import { type SweepResult, sweepOrphans } from "./files/orphan-sweep.js";
import { DEFAULT_SWEEP_EVERY_MS, schedulePeriodicSweep } from "./files/periodic-sweep.js";
import { HookRuntime } from "./hooks/hook-runtime.js";
import { HooksHost } from "./hooks/hooks-host.js";
import { createRateLimiter } from "./http/rate-limit/create-rate-limiter.js";
import { buildHttpServer } from "./http/server.js";
import type { Services } from "./http/services.js";
import { jobQueueOptionsFromEnv } from "./jobs/job-options.js";
import { JobQueue } from "./jobs/job-queue.js";
import { registerTestJobs } from "./jobs/test-jobs.js";
import { writeDevMigrations } from "./migrations/dev-migrations.js";
import { RealtimeHub } from "./realtime/hub.js";
import { realtimeOptionsFromEnv } from "./realtime/options.js";
import { RecordService } from "./records/record-service.js";
import { SettingsService } from "./settings/settings-service.js";
import { openStore } from "./store/open-store.js";
import { registerWebhooks } from "./webhooks/register-webhooks.js";

export interface App {
  services: Services;
  http: FastifyInstance;
  /** Listens on the configured address; resolves with the bound URL. */
  listen(): Promise<string>;
  /** Stops accepting, drains in-flight requests, closes the store. Safe to call twice. */
  close(): Promise<void>;
  /** The startup sweep of unreferenced stored files (runs in the background after start). */
  fileSweep: Promise<SweepResult | null>;
  /** After listen(), on a fresh install (no superuser): the one-time admin setup link; else null. */
  setupLink(): string | null;
}

/** Opens the store and builds every service the server needs (no network yet). */
export async function openServices(config: Config): Promise<Services> {
  const store = await openStore(config.store);
  try {
    const registry = new CollectionRegistry(store);
    await registry.load();
    const collections = new CollectionService(store, registry);
    await bootstrapCollections(store, registry, collections);
    const records = new RecordService(store, registry);
    const settings = new SettingsService(store);
    const notify =
      config.store.kind === "postgres"
        ? { url: config.store.url, schema: config.store.schema ?? "public" }
        : undefined;
    const services: Services = {
      config,
      store,
      registry,
      collections,
      records,
      settings,
      authEvents: new AuthEvents(),
      mailer: new Mailer(settings),
      // Lazy: a Redis-backed limiter connects on first use, so CLI commands never reach Redis.
      rateLimiter: await createRateLimiter(config),
      events: new OutboxDispatcher(store, {}, notify),
      realtime: new RealtimeHub({ store, registry, query: records.query }, realtimeOptionsFromEnv()),
      jobs: new JobQueue(store, jobQueueOptionsFromEnv()),
      files: await openStorage(config.files, () => settings.get()),
      hooks: undefined as unknown as HookRuntime,
    };
    services.hooks = new HookRuntime(services, config.hookTimeoutMs);
    records.hooks = services.hooks;
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
  const services = await openServices(config);
  const http = await buildHttpServer(services);
  await services.rateLimiter.warmUp();
  registerLoginAlerts(services, http.log);
  const logError = (message: string, err: unknown) => http.log.error({ err }, message);
  services.events.setLogger(logError);
  services.realtime.setLogger(logError);
  services.events.subscribe((entry) => services.realtime.publish(entry));
  services.events.subscribe(fileCleanup(services.files, services.registry));
  services.jobs.setLogger(logError);
  registerTestJobs(services.jobs);
  registerWebhooks(services);
  services.hooks.setLogger((level, message, data) => http.log[level](data ?? {}, message));
  const hooksHost = new HooksHost(config.hooksDir, services.hooks, services.jobs, {
    info: (message) => http.log.info(message),
    problem: (message) => process.stderr.write(`\n[hooks] ${message}\n\n`),
    error: logError,
  });
  try {
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
  let closing: Promise<void> | undefined;
  let setupLink: string | null = null;
  return {
    services,
    http,
    fileSweep,
    setupLink: () => setupLink,
    listen: async () => {
      const url = await http.listen({ host: config.host, port: config.port });
      services.registry.watch();
      setupLink = await firstRunSetupLink(services, url);
      return url;
    },
    close: () => {
      closing ??= (async () => {
        // Open event streams would keep http.close() waiting: end them first.
        hooksHost.close();
        stopSweep.abort();
        stopPeriodicSweep();
        await fileSweep;
        await services.events.stop();
        services.realtime.close();
        // Handlers may still use the store and the network: wait for them (bounded) before closing.
        await Promise.all([drainHttp(http, DRAIN_MS), services.jobs.stop()]);
        services.registry.stopWatching();
        services.mailer.close();
        await services.rateLimiter.close();
        await settleBackgroundJobs(services);
        await services.store.close();
        await services.files.close();
      })();
      return closing;
    },
  };
}
