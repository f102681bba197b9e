import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import { ensureBuilt, killProcess, serveProcess } from "../test-support/server-process.js";
import { JobQueue } from "./job-queue.js";
import { sharedStore } from "./test-support/app-on-store.js";
import { waitUntil } from "./test-support/wait-until.js";

const JOBS = 30;

beforeAll(ensureBuilt, 180_000);

/** `backroom serve` with the test job handlers and a short lease; resolves once it listens. */
async function serve(args: string[]): Promise<ChildProcess> {
  const { child } = await serveProcess(args, {
    BACKROOM_TEST_JOBS: "1",
    BACKROOM_JOBS_LEASE_MS: "1500",
    BACKROOM_JOBS_POLL_MS: "100",
  });
  return child;
}

const kill = killProcess;

describe.each(await storesUnderTest())("jobs survive a killed server (%s)", (kind) => {
  const shared = sharedStore(kind);
  const args = kind === "postgres" ? ["--db", PG_URL, "--db-schema", shared.schema] : ["--dir", shared.dir];
  let store: Store | undefined;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) await kill(child);
    await store?.close();
    await shared.dispose();
  });

  const statuses = async () => {
    const rows = await (store as Store).db.selectFrom("_jobs").select(["id", "status", "attempts"]).execute();
    return rows.map((r) => ({ id: String(r.id), status: String(r.status), attempts: Number(r.attempts) }));
  };

  it("SIGKILL while jobs run: after a restart every enqueued job completes, none lost", async () => {
    const first = await serve(args);
    children.push(first);
    store = await openStore(
      kind === "postgres"
        ? { kind, url: PG_URL, schema: shared.schema }
        : { kind, file: join(shared.dir, "data.db") },
    );
    // Enqueued from this process: jobs are rows, whichever process writes them.
    const queue = new JobQueue(store);
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++)
      ids.push((await queue.enqueue("test.sleep", { ms: 300 }, { attempts: 3 })).id);
    await waitUntil(
      async () => (await statuses()).some((j) => j.status === "running"),
      "jobs to start",
      15_000,
    );
    await kill(first);

    const atKill = await statuses();
    const interrupted = atKill.filter((j) => j.status === "running").map((j) => j.id);
    expect(interrupted.length).toBeGreaterThan(0);
    expect(atKill.filter((j) => j.status === "succeeded").length).toBeLessThan(JOBS);

    const second = await serve(args);
    children.push(second);
    const final = await waitUntil(
      async () => {
        const now = await statuses();
        return now.every((j) => j.status === "succeeded") ? now : undefined;
      },
      "every job to succeed after the restart",
      30_000,
    );
    expect(final.map((j) => j.id).sort()).toEqual([...ids].sort());
    // The jobs killed mid-run were claimed again after their lease ended: a second attempt.
    for (const id of interrupted) expect(final.find((j) => j.id === id)?.attempts).toBe(2);
  });
});
