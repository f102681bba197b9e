import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFolder } from "../hooks/test-support/app-folder.js";
import { SUPERUSER } from "../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";
import { waitUntil } from "./test-support/wait-until.js";

// A cron that runs before its collection exists, and a job that fails once and then for good.
const HOOKS = `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.cronAdd("early-report", "* * * * * *", async () => {
    await app.createRecord("reports", { title: "nightly" });
  });
  app.jobs.define("invoice.send", async () => {
    throw new Error("the mail server said no");
  });
  app.routerAdd("POST", "/api/test/invoice", async (e) => {
    const job = await e.app.jobs.enqueue("invoice.send", {}, { attempts: 2, backoff: { type: "exponential", base: 50 } });
    e.json(200, { id: job.id });
  });
});
`;

interface LogLine {
  level: number;
  msg: string;
  err?: { message?: string };
}
const WARN = 40;
const ERROR = 50;

interface JobRow {
  id: string;
  name: string;
  status: string;
  attempts: number;
}

/**
 * The server as it runs for real (its own process, pino writing JSON lines to stdout, --dev),
 * so what is asserted is what an operator reads.
 */
describe("failed jobs and cron runs are logged", () => {
  const folder = appFolder({ "report.ts": HOOKS });
  const dir = mkdtempSync(join(tmpdir(), "backroom-joblog-"));
  let server: SpawnedServer;
  const lines: LogLine[] = [];
  let su: PocketBase;

  beforeAll(async () => {
    ensureBuilt();
    server = await serveProcess(["--dir", dir, "--hooks", folder.hooks, "--dev"], {
      BACKROOM_LOG_LEVEL: "info",
    });
    let pending = "";
    server.child.stdout?.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const text of complete) {
        try {
          lines.push(JSON.parse(text) as LogLine);
        } catch {
          // Not a log line (the first-run link).
        }
      }
    });
    const bin = fileURLToPath(new URL("../../bin/backroom.js", import.meta.url));
    execFileSync(
      process.execPath,
      [bin, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, "--dir", dir],
      {
        stdio: "pipe",
        env: { ...process.env, BACKROOM_LOG_LEVEL: "silent" },
      },
    );
    su = new PocketBase(server.url);
    su.autoCancellation(false);
    await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  });
  afterAll(async () => {
    if (server) await killProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
    folder.remove();
  });

  const jobs = async (name: string) =>
    (await su.send<{ items: JobRow[] }>(`/api/jobs?name=${encodeURIComponent(name)}&perPage=500`, {})).items;
  const linesAbout = (id: string) => lines.filter((l) => l.msg.includes(`(${id})`));

  it("one error line per failed cron run, naming the cron and the missing collection", async () => {
    await waitUntil(
      async () => (await jobs("cron:early-report")).filter((j) => j.status === "dead").length >= 2,
      "two failed ticks",
      15_000,
    );
    // Lines are written before the outcome is stored: give the pipe a moment, then compare.
    await sleep(300);
    const dead = (await jobs("cron:early-report")).filter((j) => j.status === "dead");
    // Nothing else about these failures reaches the log at warn or above: one line each, no echoes.
    const loud = lines.filter((l) => l.level >= WARN && /early-report|reports/.test(l.msg));
    const ids = loud.map((l) => /\((\w+)\)/.exec(l.msg)?.[1]);
    expect(new Set(ids).size).toBe(loud.length);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    for (const job of dead) {
      const about = linesAbout(job.id);
      expect(about, `log lines about ${job.id}`).toHaveLength(1);
      expect(about[0]?.level).toBe(ERROR);
      expect(about[0]?.msg).toBe(
        `job "cron:early-report" (${job.id}) failed on attempt 1 of 1, no retry left: ` +
          'Missing collection context: no collection "reports".',
      );
    }
  });

  it("a job's retried attempt is a warning, its last one an error: one line each", async () => {
    const { id } = await su.send<{ id: string }>("/api/test/invoice", { method: "POST" });
    await waitUntil(
      async () => (await jobs("invoice.send")).some((j) => j.id === id && j.status === "dead"),
      "the job to die",
      15_000,
    );
    await sleep(300);
    const about = linesAbout(id);
    expect(about.map((l) => [l.level, l.msg])).toEqual([
      [WARN, `job "invoice.send" (${id}) failed on attempt 1 of 2, retried later: the mail server said no`],
      [ERROR, `job "invoice.send" (${id}) failed on attempt 2 of 2, no retry left: the mail server said no`],
    ]);
    expect(about[0]?.err?.message).toBe("the mail server said no");
  });
});
