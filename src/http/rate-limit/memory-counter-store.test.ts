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
