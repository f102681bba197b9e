import { describe, expect, it } from "vitest";
import { VerifiedTokenCache } from "./verified-token-cache.js";

const entry = (fingerprint: string, expiresAt: number) => ({
  id: "r1",
  collectionId: "c1",
  fingerprint,
  expiresAt,
});

describe("verified token cache", () => {
  it("forgets tokens once they expire", () => {
    const cache = new VerifiedTokenCache(10);
    cache.add("t", entry("key-1", Date.now() + 60_000));
    expect(cache.get("t")?.fingerprint).toBe("key-1");
    cache.add("old", entry("key-1", Date.now() - 1));
    expect(cache.get("old")).toBeUndefined();
  });

  it("stays bounded", () => {
    const cache = new VerifiedTokenCache(3);
    for (let i = 0; i < 10; i++) cache.add(`t${i}`, entry("k", Date.now() + 60_000));
    expect(["t0", "t1", "t2", "t3", "t4", "t5", "t6"].some((t) => cache.get(t))).toBe(false);
    expect(cache.get("t9")).toBeDefined();
  });
});
