import type { AuthEvents } from "../auth/auth-events.js";
import type { Mailer } from "../auth/mail/mailer.js";
import type { CollectionService } from "../collections/collection-service.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { Config } from "../config/config.js";
import type { OutboxDispatcher } from "../events/outbox-dispatcher.js";
import type { FileStorage } from "../files/storage.js";
import type { HookRuntime } from "../hooks/hook-runtime.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { RealtimeHub } from "../realtime/hub.js";
import type { RecordService } from "../records/record-service.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { Store } from "../store/store.js";
import type { RateLimiter } from "./rate-limit/rate-limiter.js";

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
  rateLimiter: RateLimiter;
  /** Reads committed outbox events and hands them to realtime (started by createApp). */
  events: OutboxDispatcher;
  realtime: RealtimeHub;
  /** The durable job queue; its worker is started by createApp. */
  jobs: JobQueue;
  /** Where uploaded files live (local folder or S3). */
  files: FileStorage;
  /** The loaded hooks (none until createApp loads the hooks folder). */
  hooks: HookRuntime;
}
