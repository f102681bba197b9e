import { describe, expect, it } from "vitest";
import { runInBackground, settleBackgroundJobs } from "./background-jobs.js";

describe("background jobs", () => {
  it("run after the caller returns, are awaited by settle, and log failures instead of throwing", async () => {
    const owner = {};
    const logged: string[] = [];
    const log = { error: (_details: object, message: string) => logged.push(message) };
    const done: string[] = [];
    runInBackground(owner, log, "ok", async () => {
      done.push("ok");
      // A job may start another; settle waits for it too.
      runInBackground(owner, log, "nested", async () => {
        done.push("nested");
      });
    });
    runInBackground(owner, log, "boom", async () => {
      throw new Error("smtp down");
    });
    expect(done).toEqual([]);
    await settleBackgroundJobs(owner);
    expect(done).toEqual(["ok", "nested"]);
    expect(logged).toEqual(['background job "boom" failed']);
  });

  it("keeps apps apart", async () => {
    const log = { error: () => {} };
    let finished = false;
    runInBackground({}, log, "slow", async () => {
      await new Promise((r) => setTimeout(r, 50));
      finished = true;
    });
    await settleBackgroundJobs({});
    expect(finished).toBe(false);
  });
});
