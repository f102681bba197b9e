import { describe, expect, it } from "vitest";
import { VerifiedTokenCache } from "./verified-token-cache.js";

describe("verified token cache", () => {
  it("answers only for the same signing fingerprint and before expiry", () => {
    const cache = new VerifiedTokenCache(10);
    cache.add("t", "key-1", Date.now() + 60_000);
    expect(cache.has("t", "key-1")).toBe(true);
    expect(cache.has("t", "key-2")).toBe(false); // tokenKey rotated: revoked
    expect(cache.has("t", "key-1")).toBe(false); // and forgotten
    cache.add("old", "key-1", Date.now() - 1);
    expect(cache.has("old", "key-1")).toBe(false);
  });

  it("stays bounded", () => {
    const cache = new VerifiedTokenCache(3);
    for (let i = 0; i < 10; i++) cache.add(`t${i}`, "k", Date.now() + 60_000);
    expect(["t0", "t1", "t2", "t3", "t4", "t5", "t6"].some((t) => cache.has(t, "k"))).toBe(false);
    expect(cache.has("t9", "k")).toBe(true);
  });
});
