import type { RecordActions } from "../api/record-actions.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { Store } from "../store/store.js";
import type { FailedAttempts } from "./attempts/failed-attempts.js";
import type { AuthEvents } from "./auth-events.js";
import type { Mailer } from "./mail/mailer.js";

/** What the auth flows use of the app (the app object passes itself; tests may pass less). */
export interface AuthDeps {
  store: Store;
  registry: CollectionRegistry;
  records: RecordActions;
  settings: SettingsService;
  mailer: Mailer;
  authEvents: AuthEvents;
  failedAttempts: FailedAttempts;
}
