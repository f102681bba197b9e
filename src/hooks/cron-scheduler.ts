import type { Cron } from "croner";
import type { JobQueue } from "../jobs/job-queue.js";
import type { CronEntry } from "./hook-registry.js";

/** The job that runs one cron tick; its idempotency key makes each tick run once across nodes. */
export const cronJobName = (id: string) => `cron:${id}`;

/**
 * Schedules `cronAdd` entries. Every node keeps the schedule; at each tick every node enqueues the
 * tick's job under the key `cron:<id>:<tick time>`, and the queue's key uniqueness lets exactly one
 * of those enqueues create it, so one node runs it (on SQLite or PostgreSQL alike). Ticks are named
 * by their time rounded to the second, so nodes agree as long as their clocks are within ±0.5 s.
 */
export class CronScheduler {
  private readonly timers: Cron[] = [];

  constructor(
    private readonly jobs: JobQueue,
    private readonly log: (message: string, err: unknown) => void,
  ) {}

  /** Checks every expression first, so a bad one refuses the whole set (and names itself). */
  static async validate(entries: readonly CronEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { Cron } = await import("croner");
    for (const entry of entries) {
      try {
        new Cron(entry.expression, { paused: true }).stop();
      } catch (err) {
        throw new Error(
          `${entry.label}: invalid cron expression "${entry.expression}": ${(err as Error).message}`,
        );
      }
    }
  }

  /** Schedules the entries (croner is loaded only when some exist; validate() has loaded it then). */
  async start(entries: readonly CronEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { Cron } = await import("croner");
    for (const entry of entries) {
      this.jobs.define<{ tick: string }>(cronJobName(entry.id), async (payload) => {
        await entry.fn({ scheduledAt: payload.tick });
      });
      const timer = new Cron(entry.expression, { timezone: "UTC", protect: true }, () => {
        const tick = new Date(Math.round(Date.now() / 1000) * 1000).toISOString();
        this.jobs
          .enqueue(cronJobName(entry.id), { tick }, { key: `cron:${entry.id}:${tick}`, attempts: 1 })
          .catch((err) => this.log(`${entry.label}: could not schedule the tick ${tick}`, err));
      });
      this.timers.push(timer);
    }
  }

  stop(entries: readonly CronEntry[]): void {
    for (const timer of this.timers.splice(0)) timer.stop();
    for (const entry of entries) this.jobs.undefine(cronJobName(entry.id));
  }
}
