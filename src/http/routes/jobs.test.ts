import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "../../jobs/job-types.js";
import { PermanentJobError } from "../../jobs/job-types.js";
import { waitUntil } from "../../jobs/test-support/wait-until.js";
import { expectRawError, raw, signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

process.env.BACKROOM_JOBS_POLL_MS = "25";

interface JobList {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: Job[];
}

describe.each(await storesUnderTest())("/api/jobs (%s)", (kind) => {
  let server: TestServer;
  let token: string;
  const name = uniqueName("api_job");
  let failing = true;
  beforeAll(async () => {
    server = await startServer(kind);
    token = (await server.superuserClient()).authStore.token;
    server.app.services.jobs.define(name, () => {
      if (failing) throw new PermanentJobError("refused for now");
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const api = (path: string, method = "GET") => raw(server.url, path, { method, token });
  const jobs = () => server.app.services.jobs;

  it("guests get 401, non-superusers 403", async () => {
    expectRawError(await raw(server.url, "/api/jobs"), 401);
    expectRawError(await raw(server.url, "/api/jobs/x/retry", { method: "POST" }), 401);
    const user = await signedInUser(() => server.client());
    for (const [path, method] of [
      ["/api/jobs", "GET"],
      ["/api/jobs/x", "GET"],
      ["/api/jobs/x/retry", "POST"],
      ["/api/jobs/x/cancel", "POST"],
    ] as const) {
      expectRawError(await raw(server.url, path, { method, token: user.pb.authStore.token }), 403);
    }
  });

  it("lists with status and name filters and paging", async () => {
    const other = uniqueName("other");
    for (let i = 0; i < 3; i++) await jobs().enqueue(other, { i }, { delay: 60_000 });
    const res = await api(`/api/jobs?name=${other}&perPage=2&page=1`);
    expect(res.status).toBe(200);
    const page = res.body as JobList;
    expect(page).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ name: other, status: "pending", attempts: 0, maxAttempts: 5 });
    const second = (await api(`/api/jobs?name=${other}&perPage=2&page=2`)).body as JobList;
    expect(second.items).toHaveLength(1);
    const none = (await api(`/api/jobs?name=${other}&status=running`)).body as JobList;
    expect(none.totalItems).toBe(0);
    const skip = (await api(`/api/jobs?name=${other}&skipTotal=1`)).body as JobList;
    expect(skip).toMatchObject({ totalItems: -1, totalPages: -1 });
  });

  it("retries a dead job (it runs again) and cancels a pending one", async () => {
    failing = true;
    const job = await jobs().enqueue(name, {});
    await waitUntil(async () => (await jobs().get(job.id))?.status === "dead", "the job to die");
    const dead = (await api(`/api/jobs?status=dead&name=${name}`)).body as JobList;
    expect(dead.items.map((j) => j.id)).toContain(job.id);

    failing = false;
    const retried = await api(`/api/jobs/${job.id}/retry`, "POST");
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: job.id, attempts: 0, lastError: "refused for now" });
    await waitUntil(async () => (await jobs().get(job.id))?.status === "succeeded", "the retried job to run");
    expectRawError(await api(`/api/jobs/${job.id}/retry`, "POST"), 400);
    expectRawError(await api(`/api/jobs/${job.id}/cancel`, "POST"), 400);

    const later = await jobs().enqueue(name, {}, { delay: 60_000 });
    const cancelled = await api(`/api/jobs/${later.id}/cancel`, "POST");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: later.id, status: "cancelled" });
    expect((await api(`/api/jobs/${later.id}`)).body).toMatchObject({ status: "cancelled" });
    expectRawError(await api(`/api/jobs/${later.id}/retry`, "POST"), 400);

    const audit = await raw(
      server.url,
      `/api/audit?filter=${encodeURIComponent(`recordId = "${later.id}"`)}`,
      {
        token,
      },
    );
    expect((audit.body as { items: Array<{ action: string }> }).items.map((a) => a.action)).toEqual([
      "job.cancel",
    ]);
  });

  it("refuses hostile input with the API error shape", async () => {
    expectRawError(await api("/api/jobs?status=exploded"), 400);
    expectRawError(await api(`/api/jobs?status=${encodeURIComponent("pending' OR 1=1 --")}`), 400);
    expectRawError(await api(`/api/jobs?name=${"n".repeat(300)}`), 400);
    expectRawError(await api("/api/jobs?page=-1"), 400);
    expectRawError(await api("/api/jobs?perPage=abc"), 400);
    expectRawError(await api("/api/jobs/does-not-exist"), 404);
    expectRawError(await api("/api/jobs/does-not-exist/retry", "POST"), 404);
    expectRawError(await api(`/api/jobs/${encodeURIComponent("' OR 1=1 --")}/cancel`, "POST"), 404);
    expectRawError(await api(`/api/jobs/${"x".repeat(300)}/cancel`, "POST"), 404);
    const injected = (await api(`/api/jobs?name=${encodeURIComponent("x' OR '1'='1")}`)).body as JobList;
    expect(injected.totalItems).toBe(0);
  });
});
