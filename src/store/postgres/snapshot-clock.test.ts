import { describe, expect, it } from "vitest";
import { SnapshotClock } from "./snapshot-clock.js";

describe("PostgreSQL's change clock (SnapshotClock)", () => {
  it("moves its epoch when a look's snapshot differs from the previous look's", () => {
    const clock = new SnapshotClock();
    clock.finish(clock.begin(), "100:105:101,103");
    const first = clock.epoch;
    clock.finish(clock.begin(), "100:105:101,103");
    expect(clock.epoch).toBe(first);
    clock.finish(clock.begin(), "100:105:101");
    expect(clock.epoch).toBe(first + 1);
    expect(clock.looks).toBe(3);
    expect(clock.started).toBe(3);
  });

  it("learns nothing from a look that finishes after a later one, or fails", () => {
    const clock = new SnapshotClock();
    const older = clock.begin();
    const newer = clock.begin();
    clock.finish(newer, "200:210:");
    const epoch = clock.epoch;
    clock.finish(older, "199:209:");
    expect(clock.epoch).toBe(epoch);
    expect(clock.looks).toBe(newer);
    const failed = clock.begin();
    clock.finish(failed, undefined);
    // Begun but never finished: a request that arrived before it must not count on it.
    expect(clock.looks).toBeLessThan(clock.started);
  });
});
