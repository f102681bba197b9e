import type { AuthEvents } from "../auth/auth-events.js";
import type { Mailer } from "../auth/mail/mailer.js";
import type { CollectionService } from "../collections/collection-service.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { Config } from "../config/config.js";
import type { RecordService } from "../records/record-service.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { Store } from "../store/store.js";

/** What route handlers can reach: the app's services, built once in app.ts. */
export interface Services {
  config: Config;
  store: Store;
  registry: CollectionRegistry;
  collections: CollectionService;
  records: RecordService;
  settings: SettingsService;
  authEvents: AuthEvents;
  mailer: Mailer;
}
