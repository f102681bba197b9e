/** One scheduled job as `GET /api/crons` shows it. */
export interface CronJobInfo {
  id: string;
  expression: string;
}

/** A job of Backroom's own (housekeeping), listed beside the app's `cronAdd` jobs and runnable now. */
export interface SystemCron {
  id: string;
  /** The schedule; null hides the job (e.g. no backup schedule set). */
  expression(): Promise<string | null> | string | null;
  run(): Promise<unknown>;
}

export interface HookCrons {
  /** The app's `cronAdd` jobs as loaded now. */
  list(): readonly CronJobInfo[];
  /** Runs one now (through the job queue, like its ticks). */
  run(id: string): Promise<void>;
}

/**
 * Every scheduled job of the app: its hooks' `cronAdd` jobs (sorted by id) and then Backroom's own
 * (ids starting with `__`, as PocketBase lists its `__pb…__` jobs last).
 */
export class CronCatalog {
  private readonly system = new Map<string, SystemCron>();
  private hooks: HookCrons = { list: () => [], run: async () => {} };

  private log: (message: string, err: unknown) => void = () => {};

  setHooks(hooks: HookCrons): void {
    this.hooks = hooks;
  }

  add(cron: SystemCron): void {
    this.system.set(cron.id, cron);
  }

  setLogger(log: (message: string, err: unknown) => void): void {
    this.log = log;
  }

  async list(): Promise<CronJobInfo[]> {
    const own = [...this.hooks.list()].sort((a, b) => a.id.localeCompare(b.id));
    const system: CronJobInfo[] = [];
    for (const cron of [...this.system.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      const expression = await cron.expression();
      if (expression !== null) system.push({ id: cron.id, expression });
    }
    return [...own.map((c) => ({ id: c.id, expression: c.expression })), ...system];
  }

  /** Starts the job now, in the background; false when no listed job has this id. */
  async run(id: string): Promise<boolean> {
    if (this.hooks.list().some((c) => c.id === id)) {
      await this.hooks.run(id);
      return true;
    }
    const cron = this.system.get(id);
    if (!cron || (await cron.expression()) === null) return false;
    cron.run().catch((err) => this.log(`cron ${id} failed`, err));
    return true;
  }
}

/** A cron expression for a job that runs every `ms` (the housekeeping timers' cadence). */
export function cadence(ms: number): string {
  const minutes = ms / 60_000;
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours) && hours >= 1 && 24 % hours === 0)
    return hours === 1 ? "0 * * * *" : `0 */${hours} * * *`;
  if (Number.isInteger(minutes) && minutes >= 1 && 60 % minutes === 0)
    return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
  return `@every ${Math.round(ms / 1000)}s`;
}
