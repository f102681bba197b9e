import { setTimeout as sleep } from "node:timers/promises";
import type { JobQueue } from "./job-queue.js";

/**
 * Handlers for tests that drive a separate `backroom serve` process (crash and restart tests):
 * defined only when BACKROOM_TEST_JOBS=1, never in a normal server.
 *   test.noop            does nothing
 *   test.sleep {ms}      waits ms (at most a minute), then succeeds
 */
export function registerTestJobs(jobs: JobQueue, env: NodeJS.ProcessEnv = process.env): void {
  if (env.BACKROOM_TEST_JOBS !== "1") return;
  jobs.define("test.noop", () => {});
  jobs.define<{ ms?: unknown }>("test.sleep", async (payload, ctx) => {
    const ms = typeof payload?.ms === "number" ? Math.min(Math.max(payload.ms, 0), 60_000) : 0;
    await sleep(ms, undefined, { signal: ctx.signal });
  });
}
