import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFolder } from "../hooks/test-support/app-folder.js";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { startOtlpReceiver } from "../test-support/otlp-receiver.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";

// A job that always fails, and a route that enqueues it.
const HOOKS = `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.jobs.define("doomed", async () => {
    throw new Error("the printer is on fire");
  });
  app.routerAdd("POST", "/api/test/doomed", async (e) => {
    const job = await e.app.jobs.enqueue("doomed", {}, { attempts: 1 });
    e.json(200, { id: job.id });
  });
});
`;

// Logging does not depend on the store: one `backroom serve` process on SQLite.
describe("stdout log lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-log-lines-"));
  const folder = appFolder({ "doomed.ts": HOOKS });
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let server: SpawnedServer;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    ensureBuilt();
    receiver = await startOtlpReceiver();
    server = await serveProcess(["--dir", dir, "--hooks", folder.hooks], {
      BACKROOM_LOG_LEVEL: "debug",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "50",
    });
    let pending = "";
    server.child.stdout?.on("data", (chunk) => {
      pending += chunk;
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const line of complete) if (line.startsWith("{")) lines.push(JSON.parse(line));
    });
  }, 120_000);
  afterAll(async () => {
    if (server) await killProcess(server.child);
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
    folder.remove();
  });

  it("are JSON objects carrying the request id and, with tracing on, the trace id", async () => {
    const traceId = randomBytes(16).toString("hex");
    const requestId = `req-${randomBytes(4).toString("hex")}`;
    const res = await fetch(`${server.url}/api/health`, {
      headers: {
        traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01`,
        "x-request-id": requestId,
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(requestId);
    const line = await waitUntil(() => lines.find((l) => l.reqId === requestId && l.trace_id), "a log line");
    expect(line.trace_id).toBe(traceId);
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof line.level).toBe("number");
    expect(typeof line.time).toBe("number");
    expect(typeof line.msg).toBe("string");
  });

  it("a failed job's log line names the trace of the attempt that failed", async () => {
    const res = await fetch(`${server.url}/api/test/doomed`, { method: "POST" });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const line = await waitUntil(
      () => lines.find((l) => typeof l.msg === "string" && l.msg.includes(`job "doomed" (${id}) failed`)),
      "the job's failure line",
    );
    const span = await waitUntil(
      () => receiver.spans.find((s) => s.name === "job doomed" && s.attributes["backroom.job.id"] === id),
      "the job's span",
    );
    expect(line.trace_id).toBe(span.traceId);
    expect(line.span_id).toBe(span.spanId);
  });
});
