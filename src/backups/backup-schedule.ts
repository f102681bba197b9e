import { type CronSchedule, isDue, parseCronSchedule } from "../settings/cron-schedule.js";
import type { Settings } from "../settings/settings-model.js";
import type { Db } from "../store/store.js";
import { claimTick } from "./params.js";

/** PocketBase's id for the scheduled backup job (`GET /api/crons`). */
export const AUTO_BACKUP_CRON_ID = "__pbAutoBackup__";
const TICK_PARAM = "backups_auto_tick";

export interface ScheduleDeps {
  db: Db;
  settings: () => Promise<Pick<Settings, "backups">>;
  run: () => Promise<unknown>;
  log: (message: string, err: unknown) => void;
}

/**
 * Runs the scheduled backup of `settings.backups.cron`. Every node looks once a minute, at the start
 * of the minute, whether the (cached) settings' schedule is due; the one that claims the minute in
 * `_params` runs it, so a cluster takes one backup per tick. A settings change applies from the
 * next minute, on every node, without a restart.
 */
export class BackupSchedule {
  private timer: NodeJS.Timeout | undefined;
  private parsed: CronSchedule | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: ScheduleDeps) {}

  start(): void {
    if (this.timer) return;
    const next = () => {
      const now = Date.now();
      this.timer = setTimeout(
        () => {
          next();
          void this.tick(new Date());
        },
        60_000 - (now % 60_000) + 50,
      );
      this.timer.unref();
    };
    next();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The schedule's expression, or null when none is set. */
  async expression(): Promise<string | null> {
    const { cron } = (await this.deps.settings()).backups;
    return cron === "" ? null : cron;
  }

  /** Looks whether the schedule is due at `at` and, if this node claims the minute, backs up. */
  async tick(at: Date): Promise<boolean> {
    try {
      const expression = await this.expression();
      if (expression === null || this.running) return false;
      if (this.parsed?.expression !== expression) {
        const parsed = parseCronSchedule(expression);
        if (typeof parsed === "string") return false;
        this.parsed = parsed;
      }
      if (!isDue(this.parsed, at)) return false;
      const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000).toISOString();
      if (!(await claimTick(this.deps.db, TICK_PARAM, minute))) return false;
      this.running = this.deps
        .run()
        .then(() => undefined)
        .catch((err) => this.deps.log("the scheduled backup failed", err))
        .finally(() => {
          this.running = undefined;
        });
      await this.running;
      return true;
    } catch (err) {
      this.deps.log("checking the backup schedule failed", err);
      return false;
    }
  }
}
