import { describe, expect, it } from "vitest";
import { MemoryCounterStore } from "./memory-counter-store.js";

describe("MemoryCounterStore", () => {
  it("counts allowed hits within a fixed window and starts afresh when it ends", async () => {
    let now = 1_000;
    const store = new MemoryCounterStore(100, () => now);
    expect(await store.hit("k", 3000, 1, 3)).toEqual({ allowed: true, count: 1, resetInMs: 3000 });
    now += 1000;
    expect(await store.hit("k", 3000, 2, 3)).toEqual({ allowed: true, count: 3, resetInMs: 2000 });
    // Refused hits are not counted: the window stays at 3, and stays full.
    expect(await store.hit("k", 3000, 5, 3)).toEqual({ allowed: false, count: 8, resetInMs: 2000 });
    expect(await store.hit("k", 3000, 1, 3)).toMatchObject({ allowed: false, count: 4 });
    now += 2000;
    expect(await store.hit("k", 3000, 1, 3)).toEqual({ allowed: true, count: 1, resetInMs: 3000 });
    expect(await store.hit("other", 3000, 1, 3)).toMatchObject({ count: 1 });
  });

  it("sliding hits restart the window; peek counts nothing; refunds give hits back", async () => {
    let now = 0;
    const store = new MemoryCounterStore(100, () => now);
    await store.hit("k", 1000, 1, 5, { sliding: true });
    now = 900;
    expect(await store.hit("k", 1000, 1, 5, { sliding: true })).toEqual({
      allowed: true,
      count: 2,
      resetInMs: 1000,
    });
    now = 1800; // past the first hit's window, within the second's
    expect(await store.peek("k")).toEqual({ count: 2, resetInMs: 100 });
    expect(await store.peek("k")).toEqual({ count: 2, resetInMs: 100 });
    // A refused hit doesn't slide the window.
    expect(await store.hit("k", 1000, 4, 5, { sliding: true })).toMatchObject({
      allowed: false,
      resetInMs: 100,
    });
    await store.refund("k", 1);
    await store.refund("k", 5);
    expect(await store.peek("k")).toEqual({ count: 0, resetInMs: 100 });
    now = 1900;
    expect(await store.peek("k")).toEqual({ count: 0, resetInMs: 0 });
    expect(await store.peek("never")).toEqual({ count: 0, resetInMs: 0 });
  });

  it("stays within maxKeys, dropping expired windows first and then the oldest", async () => {
    let now = 0;
    const store = new MemoryCounterStore(10, () => now);
    for (let i = 0; i < 10; i++) await store.hit(`old${i}`, 1000, 1, 5);
    now = 120_000; // every window expired, and the sweep is due
    await store.hit("fresh", 1000, 1, 5);
    expect(store.size).toBe(1);
    for (let i = 0; i < 50; i++) await store.hit(`k${i}`, 60_000, 1, 5);
    expect(store.size).toBe(10);
    // The newest keys survive.
    expect(await store.hit("k49", 60_000, 1, 5)).toMatchObject({ count: 2 });
  });
});
