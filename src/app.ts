import type { FastifyInstance } from "fastify";
import { AuthEvents } from "./auth/auth-events.js";
import { settleBackgroundJobs } from "./auth/email-flows/background-jobs.js";
import { registerLoginAlerts } from "./auth/email-flows/login-alerts.js";
import { Mailer } from "./auth/mail/mailer.js";
import { bootstrapCollections } from "./collections/bootstrap.js";
import { CollectionService } from "./collections/collection-service.js";
import { CollectionRegistry } from "./collections/registry.js";
import type { Config } from "./config/config.js";
import { OutboxDispatcher } from "./events/outbox-dispatcher.js";
import { createRateLimiter } from "./http/rate-limit/create-rate-limiter.js";
import { buildHttpServer } from "./http/server.js";
import type { Services } from "./http/services.js";
import { RealtimeHub } from "./realtime/hub.js";
import { realtimeOptionsFromEnv } from "./realtime/options.js";
import { RecordService } from "./records/record-service.js";
import { SettingsService } from "./settings/settings-service.js";
import { openStore } from "./store/open-store.js";

export interface App {
  services: Services;
  http: FastifyInstance;
  /** Listens on the configured address; resolves with the bound URL. */
  listen(): Promise<string>;
  /** Stops accepting, drains in-flight requests, closes the store. Safe to call twice. */
  close(): Promise<void>;
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
    return {
      config,
      store,
      registry,
      collections,
      records,
      settings,
      authEvents: new AuthEvents(),
      mailer: new Mailer(settings),
      // Lazy: a Redis-backed limiter connects on first use, so CLI commands never reach Redis.
      rateLimiter: createRateLimiter(config),
      events: new OutboxDispatcher(store, {}, notify),
      realtime: new RealtimeHub({ store, registry, query: records.query }, realtimeOptionsFromEnv()),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export async function createApp(config: Config): Promise<App> {
  const services = await openServices(config);
  const http = await buildHttpServer(services);
  await services.rateLimiter.warmUp();
  registerLoginAlerts(services, http.log);
  const logError = (message: string, err: unknown) => http.log.error({ err }, message);
  services.events.setLogger(logError);
  services.realtime.setLogger(logError);
  services.events.subscribe((entry) => services.realtime.publish(entry));
  await services.events.start();
  services.realtime.start();
  let closing: Promise<void> | undefined;
  return {
    services,
    http,
    listen: async () => {
      const url = await http.listen({ host: config.host, port: config.port });
      services.registry.watch();
      return url;
    },
    close: () => {
      closing ??= (async () => {
        // Open event streams would keep http.close() waiting: end them first.
        await services.events.stop();
        services.realtime.close();
        await http.close();
        services.registry.stopWatching();
        services.mailer.close();
        await services.rateLimiter.close();
        await settleBackgroundJobs(services);
        await services.store.close();
      })();
      return closing;
    },
  };
}
