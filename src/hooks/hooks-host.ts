import { existsSync, type FSWatcher, watch } from "node:fs";
import type { JobQueue } from "../jobs/job-queue.js";
import { CronScheduler } from "./cron-scheduler.js";
import { HookRegistry } from "./hook-registry.js";
import type { HookRuntime } from "./hook-runtime.js";
import { loadHooks } from "./load-hooks.js";

export interface HooksHostLog {
  info(message: string): void;
  /** A developer-facing problem (compile error, throwing setup): printed whole, not as a stack. */
  problem(message: string): void;
  error(message: string, err: unknown): void;
}

const RELOAD_DEBOUNCE_MS = 150;

/**
 * Owns the live hooks of one server: loads the folder, makes a registry live (jobs defined, crons
 * scheduled), and in --dev reloads on every change. A reload that fails keeps the hooks that ran.
 */
export class HooksHost {
  private live = new HookRegistry();
  private readonly cron: CronScheduler;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly runtime: HookRuntime,
    private readonly jobs: JobQueue,
    private readonly log: HooksHostLog,
  ) {
    this.cron = new CronScheduler(jobs, (message, err) => log.error(message, err));
  }

  /** Loads the hooks; outside --dev a broken hooks file stops the server from starting. */
  async start(dev: boolean): Promise<void> {
    try {
      await this.activate(await loadHooks(this.dir, this.runtime));
    } catch (err) {
      if (!dev) throw err;
      this.log.problem(`hooks not loaded: ${(err as Error).message}`);
    }
    if (dev && existsSync(this.dir)) {
      this.watcher = watch(this.dir, { recursive: true }, () => this.scheduleReload());
      this.watcher.on("error", (err) => this.log.error("watching the hooks folder failed", err));
    }
  }

  /** Reloads now (what a change in --dev triggers, debounced). Resolves when done, whatever the outcome. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      try {
        const next = await loadHooks(this.dir, this.runtime);
        await this.activate(next);
        this.log.info("hooks reloaded");
      } catch (err) {
        this.log.problem(`hooks not reloaded, the previous ones keep running:\n${(err as Error).message}`);
      }
    });
    return this.reloading;
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.cron.stop(this.live.crons);
    for (const job of this.live.jobs) this.jobs.undefine(job.name);
  }

  private scheduleReload(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), RELOAD_DEBOUNCE_MS);
  }

  /** Swaps registries: the old crons and jobs go, the new ones come, then requests see the new hooks. */
  private async activate(next: HookRegistry): Promise<void> {
    this.cron.stop(this.live.crons);
    for (const job of this.live.jobs) this.jobs.undefine(job.name);
    for (const job of next.jobs) this.jobs.define(job.name, job.handler);
    await this.cron.start(next.crons);
    this.runtime.use(next);
    this.live = next;
  }
}
