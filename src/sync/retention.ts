import { DEFAULT_DISPATCHER_OPTIONS } from "../events/outbox-dispatcher.js";
import type { Settings } from "../settings/settings-model.js";

const DAY_MS = 86_400_000;

/**
 * How long outbox rows are kept: the sync feed's days, but never less than what event dispatch
 * needs (its late-commit window and a restart's resume).
 */
export function outboxRetentionMs(settings: Settings): number {
  return Math.max(DEFAULT_DISPATCHER_OPTIONS.retentionMs, settings.sync.retentionDays * DAY_MS);
}
