import type { FastifyInstance } from "fastify";
import { AuthEvents } from "./auth/auth-events.js";
import { Mailer } from "./auth/mail/mailer.js";
import { bootstrapCollections } from "./collections/bootstrap.js";
import { CollectionService } from "./collections/collection-service.js";
import { CollectionRegistry } from "./collections/registry.js";
import type { Config } from "./config/config.js";
import { buildHttpServer } from "./http/server.js";
import type { Services } from "./http/services.js";
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
    return {
      config,
      store,
      registry,
      collections,
      records,
      settings,
      authEvents: new AuthEvents(),
      mailer: new Mailer(settings),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export async function createApp(config: Config): Promise<App> {
  const services = await openServices(config);
  const http = await buildHttpServer(services);
  let closing: Promise<void> | undefined;
  return {
    services,
    http,
    listen: () => http.listen({ host: config.host, port: config.port }),
    close: () => {
      closing ??= (async () => {
        await http.close();
        services.mailer.close();
        await services.store.close();
      })();
      return closing;
    },
  };
}
