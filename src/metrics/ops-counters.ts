/**
 * Counts that the parts of the server keep as plain numbers, for the metrics to read when they are
 * scraped: the parts never touch the metrics library, and counting costs an increment.
 */
export class OpsCounters {
  /** Requests refused by a rate limit rule (429). */
  rateLimitRefusals = 0;
  /** Realtime connections cut because their reader fell too far behind. */
  slowClientsDropped = 0;
  /** Webhook delivery attempts by outcome (a 2xx answer is a success). */
  readonly webhookDeliveries = { success: 0, failed: 0 };
  /** Job attempts run by this node, by outcome (`failed`: retried later; `dead`: no retry left). */
  readonly jobRuns = { succeeded: 0, failed: 0, dead: 0 };
}
