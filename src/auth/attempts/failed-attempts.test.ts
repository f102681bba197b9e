import { describe, expect, it } from "vitest";
import { ApiError } from "../../errors/api-error.js";
import { MemoryCounterStore } from "../../http/rate-limit/memory-counter-store.js";
import { type AuthFailureLimits, FailedAttempts } from "./failed-attempts.js";

const LIMITS: AuthFailureLimits = { perIdentity: 3, perIdentityDuration: 60, perIP: 5, perIPDuration: 300 };

function guard(limits: AuthFailureLimits | null = LIMITS, now = () => 0) {
  return new FailedAttempts({ counters: new MemoryCounterStore(1000, now), limits: async () => limits });
}
const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (err: unknown) => (err instanceof ApiError ? err.status : 500),
  );

describe("FailedAttempts", () => {
  it("parallel guesses can't all slip in: each reserves an attempt before comparing", async () => {
    const attempts = guard();
    let compared = 0;
    const wrong = () =>
      attempts.check("users:alice", "", async () => {
        compared++;
        await new Promise((r) => setTimeout(r, 20));
        return false;
      });
    const statuses = await Promise.all(Array.from({ length: 20 }, () => statusOf(wrong())));
    expect(compared).toBe(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
  });

  it("right answers give their attempt back, so only failures add up", async () => {
    const attempts = guard();
    for (let i = 0; i < 50; i++)
      expect(await attempts.check("users:bob", "10.0.0.1", async () => true)).toBe(true);
    expect(await attempts.check("users:bob", "10.0.0.1", async () => false)).toBe(false);
    expect(await attempts.check("users:bob", "10.0.0.1", async () => true)).toBe(true);
  });

  it("an address is refused once it has failed for enough accounts; another address is not", async () => {
    const attempts = guard();
    for (let i = 0; i < 5; i++)
      expect(await attempts.check(`users:u${i}`, "10.0.0.2", async () => false)).toBe(false);
    expect(await statusOf(attempts.check("users:someone", "10.0.0.2", async () => true))).toBe(429);
    expect(await attempts.check("users:someone", "10.0.0.3", async () => true)).toBe(true);
  });

  it("counts nothing while limits are off, and an error in the comparison is no guess", async () => {
    const off = guard(null);
    for (let i = 0; i < 10; i++) expect(await off.check("users:carol", "", async () => false)).toBe(false);
    const on = guard();
    for (let i = 0; i < 5; i++)
      expect(await statusOf(on.check("users:dave", "", async () => Promise.reject(new Error("boom"))))).toBe(
        500,
      );
    expect(await on.check("users:dave", "", async () => true)).toBe(true);
  });

  it("fails closed (503) when the counters can't be reached", async () => {
    const broken = new FailedAttempts({
      counters: {
        hit: () => Promise.reject(new Error("down")),
        peek: () => Promise.reject(new Error("down")),
        refund: () => Promise.reject(new Error("down")),
      },
      limits: async () => LIMITS,
    });
    expect(await statusOf(broken.check("users:erin", "10.0.0.4", async () => true))).toBe(503);
  });
});
