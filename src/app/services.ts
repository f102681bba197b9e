import type { RecordActions } from "../api/record-actions.js";
import type { TusUploads } from "../api/tus-uploads.js";
import type { FailedAttempts } from "../auth/attempts/failed-attempts.js";
import type { AuthEvents } from "../auth/auth-events.js";
import type { Mailer } from "../auth/mail/mailer.js";
import type { BackupService } from "../backups/backup-service.js";
import type { CollectionService } from "../collections/collection-service.js";
import type { FreshDefinitions } from "../collections/fresh-definitions.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { Config } from "../config/config.js";
import type { CronCatalog } from "../crons/cron-catalog.js";
import type { OutboxDispatcher } from "../events/outbox-dispatcher.js";
import type { FileStorage } from "../files/storage.js";
import type { HookRuntime } from "../hooks/hook-runtime.js";
import type { RateLimiter } from "../http/rate-limit/rate-limiter.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { OpsCounters } from "../metrics/ops-counters.js";
import type { PushService } from "../push/push-service.js";
import type { Readiness } from "../readiness/readiness.js";
import type { RealtimeHub } from "../realtime/hub.js";
import type { SettingsService } from "../settings/settings-service.js";
import type { Store } from "../store/store.js";

/**
 * The app object: every service, built once in app.ts. Route handlers (src/http) and the CLI take it
 * whole; modules below them take only the part they use (a narrow interface of their own).
 */
export interface Services {
  config: Config;
  store: Store;
  registry: CollectionRegistry;
  collections: CollectionService;
  records: RecordActions;
  settings: SettingsService;
  /** Keeps collections and settings the committed ones before a request uses them (several nodes). */
  definitions: FreshDefinitions;
  authEvents: AuthEvents;
  mailer: Mailer;
  rateLimiter: RateLimiter;
  /** Failed password/code checks per account and address (settings.authFailureLimits). */
  failedAttempts: FailedAttempts;
  /** Whether this node should get traffic (GET /api/health?ready=1) and whether it is draining. */
  readiness: Readiness;
  /** Reads committed outbox events and hands them to realtime (started by createApp). */
  events: OutboxDispatcher;
  realtime: RealtimeHub;
  /** The durable job queue; its worker is started by createApp. */
  jobs: JobQueue;
  /** Where uploaded files live (local folder or S3). */
  files: FileStorage;
  /** Resumable uploads (tus) into those files, attached to records through `records`. */
  tus: TusUploads;
  /** The loaded hooks (none until createApp loads the hooks folder). */
  hooks: HookRuntime;
  /** Backups and restores of the whole installation. */
  backups: BackupService;
  /** Counts kept for the metrics (refusals, dropped clients, deliveries, job runs). */
  counters: OpsCounters;
  /** Every scheduled job: the hooks' cronAdd jobs and Backroom's housekeeping (GET /api/crons). */
  crons: CronCatalog;
  /** Web Push: subscriptions, the VAPID keys, sends queued as `push.send` jobs. */
  push: PushService;
}
