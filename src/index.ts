/**
 * Backroom's public API: what hooks, tests and embedding apps import from "backroom".
 * Everything else is internal and may change.
 */

export type { App } from "./app.js";
export { createApp, openServices } from "./app.js";
export type { Collection, Field, FieldType, Rule } from "./collections/model.js";
export type { Config, ConfigInput } from "./config/config.js";
export { loadConfig } from "./config/config.js";
export { ApiError } from "./errors/api-error.js";
export { defineHooks } from "./hooks/define-hooks.js";
export type {
  FindOptions,
  HookAuth,
  HookCollection,
  HookRecord,
  HookRequest,
  HooksApp,
  HooksAppData,
  MailAddress,
  MailClient,
  MailerMessage,
  Middleware,
  PushTarget,
  RecordAfterEvent,
  RecordAuthRequestEvent,
  RecordEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
  RouteEvent,
} from "./hooks/types.js";
export { PermanentJobError } from "./jobs/job-types.js";
export type {
  CollectionInput,
  FieldInput,
  Migration,
  MigrationApi,
  MigrationCollections,
  MigrationRecords,
} from "./migrations/define-migration.js";
export { defineMigration } from "./migrations/define-migration.js";
export type { PushSendOptions } from "./push/push-message.js";
export { verifyWebhookSignature } from "./webhooks/signature.js";
