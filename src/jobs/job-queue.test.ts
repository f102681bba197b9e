import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModule } from "../code-loader/load-module.js";
import { uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { DEFAULT_JOB_QUEUE_OPTIONS } from "./job-options.js";
import { JobQueue } from "./job-queue.js";
import { type Job, type JobContext, PermanentJobError } from "./job-types.js";
import { sharedStore } from "./test-support/app-on-store.js";
import { waitUntil } from "./test-support/wait-until.js";

// Retries become due between polls: a short poll keeps these tests fast.
process.env.BACKROOM_JOBS_POLL_MS = "25";

describe.each(await storesUnderTest())("job queue (%s)", (kind) => {
  let server: TestServer;
  let jobs: JobQueue;
  beforeAll(async () => {
    server = await startServer(kind);
    jobs = server.app.services.jobs;
  });
  afterAll(async () => {
    await server?.close();
  });

  const statusOf = async (id: string) => (await jobs.get(id))?.status;
  const settled = (id: string, status: Job["status"]) =>
    waitUntil(async () => {
      const job = await jobs.get(id);
      return job?.status === status ? job : undefined;
    }, `job ${id} to be ${status}`);

  it("runs an enqueued job once and marks it succeeded", async () => {
    const name = uniqueName("ok");
    const seen: Array<{ payload: unknown; ctx: JobContext }> = [];
    jobs.define(name, (payload, ctx) => {
      seen.push({ payload, ctx });
    });
    const job = await jobs.enqueue(name, { order: 42, tags: ["a"] });
    expect(job).toMatchObject({ name, status: "pending", attempts: 0, maxAttempts: 5 });
    const done = await settled(job.id, "succeeded");
    expect(done).toMatchObject({ attempts: 1, lastError: "", lockedUntil: "" });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.payload).toEqual({ order: 42, tags: ["a"] });
    expect(seen[0]?.ctx).toMatchObject({ id: job.id, name, attempt: 1, maxAttempts: 5 });
  });

  it("retries with exponential backoff, then dead-letters after the last attempt", async () => {
    const name = uniqueName("fail");
    const times: number[] = [];
    jobs.define(name, () => {
      times.push(Date.now());
      throw new Error(`boom ${times.length}`);
    });
    const job = await jobs.enqueue(name, null, { attempts: 3, backoff: { type: "exponential", base: 80 } });
    const dead = await settled(job.id, "dead");
    expect(dead).toMatchObject({ attempts: 3, lastError: "boom 3" });
    expect(times).toHaveLength(3);
    const [t1, t2, t3] = times as [number, number, number];
    expect(t2 - t1).toBeGreaterThanOrEqual(75);
    expect(t3 - t2).toBeGreaterThanOrEqual(155);
  });

  it("a job that fails then succeeds ends succeeded; a permanent error goes dead at once", async () => {
    const flaky = uniqueName("flaky");
    let calls = 0;
    jobs.define(flaky, () => {
      calls++;
      if (calls < 3) throw new Error("not yet");
    });
    const a = await jobs.enqueue(flaky, {}, { backoff: { type: "exponential", base: 10 } });
    expect(await settled(a.id, "succeeded")).toMatchObject({ attempts: 3, lastError: "" });

    const permanent = uniqueName("perm");
    jobs.define(permanent, () => {
      throw new PermanentJobError("cannot ever work");
    });
    const b = await jobs.enqueue(permanent, {});
    expect(await settled(b.id, "dead")).toMatchObject({ attempts: 1, lastError: "cannot ever work" });
  });

  it('a permanent error thrown by a hook (its "backroom" is another copy of the module) goes dead at once too', async () => {
    const dir = mkdtempSync(join(tmpdir(), "backroom-job-hook-"));
    try {
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
      writeFileSync(
        join(dir, "refuse.ts"),
        `import { PermanentJobError } from "backroom";
        export const Err = PermanentJobError;
        export function refuse(): never { throw new PermanentJobError("cannot ever work"); }`,
      );
      const hook = (await loadModule(join(dir, "refuse.ts"))) as { Err: unknown; refuse: () => never };
      expect(hook.Err).not.toBe(PermanentJobError);
      const name = uniqueName("hookperm");
      jobs.define(name, () => hook.refuse());
      const job = await jobs.enqueue(name, {});
      expect(await settled(job.id, "dead")).toMatchObject({ attempts: 1, lastError: "cannot ever work" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an idempotency key returns the existing job while it is live or succeeded", async () => {
    const name = uniqueName("idem");
    let runs = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    jobs.define(name, async () => {
      runs++;
      await gate;
    });
    const key = uniqueName("key");
    const first = await jobs.enqueue(name, { n: 1 }, { key });
    const racing = await Promise.all([1, 2, 3, 4].map((n) => jobs.enqueue(name, { n }, { key })));
    for (const j of racing) expect(j.id).toBe(first.id);
    await waitUntil(async () => (await statusOf(first.id)) === "running", "the keyed job to run");
    expect((await jobs.enqueue(name, {}, { key })).id).toBe(first.id);
    release();
    await settled(first.id, "succeeded");
    expect((await jobs.enqueue(name, {}, { key })).id).toBe(first.id);
    expect(runs).toBe(1);

    // A dead (or cancelled) job frees its key.
    const other = uniqueName("idem_dead");
    jobs.define(other, () => {
      throw new PermanentJobError("no");
    });
    const deadKey = uniqueName("key");
    const doomed = await jobs.enqueue(other, {}, { key: deadKey });
    await settled(doomed.id, "dead");
    const again = await jobs.enqueue(other, {}, { key: deadKey });
    expect(again.id).not.toBe(doomed.id);
    expect(again.key).toBe(deadKey);
  });

  it("a delayed job waits for its time", async () => {
    const name = uniqueName("delay");
    let ranAt = 0;
    jobs.define(name, () => {
      ranAt = Date.now();
    });
    const start = Date.now();
    const job = await jobs.enqueue(name, {}, { delay: 400 });
    await sleep(250);
    expect(await statusOf(job.id)).toBe("pending");
    await settled(job.id, "succeeded");
    expect(ranAt - start).toBeGreaterThanOrEqual(390);
  });

  it("rejects bad enqueue options", async () => {
    await expect(jobs.enqueue("", {})).rejects.toThrow(/name/);
    await expect(jobs.enqueue("x", {}, { attempts: 0 })).rejects.toThrow(/attempts/);
    await expect(jobs.enqueue("x", {}, { attempts: 1.5 })).rejects.toThrow(/attempts/);
    await expect(jobs.enqueue("x", {}, { delay: -1 })).rejects.toThrow(/delay/);
    await expect(jobs.enqueue("x", {}, { key: "" })).rejects.toThrow(/key/);
    await expect(
      jobs.enqueue("x", {}, { backoff: { type: "linear" as "exponential", base: 1 } }),
    ).rejects.toThrow(/backoff/);
  });

  it("stop() waits for running handlers, bounded: a handler that never ends is aborted", async () => {
    const queue = new JobQueue(server.app.services.store, {
      ...DEFAULT_JOB_QUEUE_OPTIONS,
      pollMs: 25,
      stopGraceMs: 300,
    });
    const slow = uniqueName("slow");
    const stuck = uniqueName("stuck");
    let slowDone = false;
    let aborted = false;
    queue.define(slow, async () => {
      await sleep(150);
      slowDone = true;
    });
    queue.define(stuck, (_p, ctx) => {
      ctx.signal.addEventListener("abort", () => {
        aborted = true;
      });
      return new Promise<void>(() => {});
    });
    queue.start();
    const a = await queue.enqueue(slow, {});
    const b = await queue.enqueue(stuck, {});
    await waitUntil(
      async () => (await statusOf(a.id)) === "running" && (await statusOf(b.id)) === "running",
      "both to run",
    );
    const t0 = Date.now();
    await queue.stop();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(slowDone).toBe(true);
    expect(aborted).toBe(true);
    expect(await statusOf(a.id)).toBe("succeeded");
    // The stuck job keeps its lease: another worker retries it once the lease ends.
    expect(await statusOf(b.id)).toBe("running");
  });
});

describe.each(await storesUnderTest())("job queue across restarts (%s)", (kind) => {
  const store = sharedStore(kind);
  afterAll(() => store.dispose());

  it("jobs left pending when the app closes complete after it reopens, each exactly once", async () => {
    const JOBS = 120;
    const runs = new Map<string, number>();
    const handler = async (_p: unknown, ctx: JobContext) => {
      await sleep(60);
      runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
    };
    const first = await store.open();
    first.services.jobs.define("restart.work", handler);
    const ids: string[] = [];
    // Enough that some are surely still pending at close, however slow the machine is.
    for (let i = 0; i < JOBS; i++) ids.push((await first.services.jobs.enqueue("restart.work", { i })).id);
    await waitUntil(() => runs.size >= 5, "some jobs to finish");
    await first.close();
    const doneBefore = runs.size;
    expect(doneBefore).toBeLessThan(JOBS);

    const second = await store.open();
    try {
      second.services.jobs.define("restart.work", handler);
      await waitUntil(() => runs.size === JOBS, "every job to finish after the restart", 20_000);
      for (const id of ids) {
        expect(runs.get(id), `job ${id}`).toBe(1);
        expect((await second.services.jobs.get(id))?.status).toBe("succeeded");
      }
    } finally {
      await second.close();
    }
  });
});

const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("job queue on two nodes (postgres)", () => {
  const store = sharedStore("postgres");
  afterAll(() => store.dispose());

  it("200 jobs on two nodes: every job runs exactly once, both nodes take a share", async () => {
    const node1 = await store.open();
    const node2 = await store.open();
    try {
      const runs = new Map<string, number>();
      const byNode = [0, 0];
      for (const [index, node] of [node1, node2].entries()) {
        node.services.jobs.define("two.nodes", async (_p, ctx) => {
          runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
          byNode[index] = (byNode[index] ?? 0) + 1;
          await sleep(5);
        });
      }
      const ids = await Promise.all(
        Array.from(
          { length: 200 },
          async (_, i) => (await node1.services.jobs.enqueue("two.nodes", { i })).id,
        ),
      );
      await waitUntil(() => runs.size === 200, "all 200 jobs to run", 20_000);
      await sleep(200);
      for (const id of ids) expect(runs.get(id), `job ${id}`).toBe(1);
      expect(byNode[0]).toBeGreaterThan(0);
      expect(byNode[1]).toBeGreaterThan(0);
      const rows = await node2.services.store.db
        .selectFrom("_jobs")
        .select("status")
        .where("name", "=", "two.nodes")
        .execute();
      expect(rows.filter((r) => r.status === "succeeded")).toHaveLength(200);
    } finally {
      await Promise.all([node1.close(), node2.close()]);
    }
  });
});
