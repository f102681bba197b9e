import { describe, expect, it, vi } from "vitest";
import { dateAt, nowDate, randomId, timeOrderedId } from "./ids.js";

const ID = /^[a-z0-9]{15}$/;

describe("randomId", () => {
  it("draws PocketBase-shaped ids, distinct across many draws (the random pool refills)", () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => randomId()));
    expect(ids.size).toBe(20_000);
    for (const id of ids) expect(id).toMatch(ID);
  });

  it("uses every character of the alphabet about equally", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4_000; i++) for (const c of randomId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(36);
    const expected = (4_000 * 15) / 36;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it("honours a requested length", () => {
    expect(randomId(40)).toMatch(/^[a-z0-9]{40}$/);
  });
});

describe("timeOrderedId", () => {
  it("is PocketBase-shaped and sorts in the order it was drawn, within and across milliseconds", () => {
    const drawn = [
      ...Array.from({ length: 1_000 }, () => timeOrderedId(1_800_000_000_000)),
      ...Array.from({ length: 10 }, () => timeOrderedId(1_800_000_000_001)),
      timeOrderedId(1_800_000_000_500),
    ];
    for (const id of drawn) expect(id).toMatch(ID);
    expect(new Set(drawn).size).toBe(drawn.length);
    expect([...drawn].sort()).toEqual(drawn);
  });

  it("stays increasing when the clock steps back", () => {
    const later = timeOrderedId(1_900_000_000_000);
    const afterStepBack = timeOrderedId(1_899_999_999_000);
    expect(afterStepBack > later).toBe(true);
  });

  it("borrows the next millisecond rather than repeat when one millisecond overflows its sequence", () => {
    const ms = 2_000_000_000_000;
    const ids = Array.from({ length: 36 ** 3 + 5 }, () => timeOrderedId(ms));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe("timeOrderedId across processes", () => {
  it("draws ids that practically never clash when many processes write in the same millisecond", async () => {
    // Each fresh copy of the module is a process of its own. A clash among them is a ~1-in-4,000
    // event (one is tolerated); with a 3-character process tag, 1,000 processes had ~11.
    const ms = 1_850_000_000_000;
    const ids: string[] = [];
    for (let process = 0; process < 1_000; process++) {
      vi.resetModules();
      const { timeOrderedId: drawn } = await import("./ids.js");
      ids.push(drawn(ms));
    }
    for (const id of ids) expect(id).toMatch(ID);
    expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(1);
  });
});

describe("dateAt", () => {
  it("formats like nowDate, across second, minute and year boundaries", () => {
    const instants = [0, 5, 999, 1000, 1001, 59_999, 60_000, Date.UTC(2026, 11, 31, 23, 59, 59, 999)];
    const later = Date.UTC(2027, 0, 1, 0, 0, 0, 7);
    for (const ms of [...instants, later, later + 93, later - 1]) {
      expect(dateAt(ms)).toBe(nowDate(new Date(ms)));
    }
  });
});
