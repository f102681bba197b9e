import { describe, expect, it } from "vitest";
import { isEventPattern, matchesEvent } from "./event-pattern.js";

describe("webhook event patterns", () => {
  it("accepts the documented forms only", () => {
    for (const ok of ["*", "orders.*", "orders.create", "*.delete", "Orders_2.update"])
      expect(isEventPattern(ok)).toBe(true);
    for (const bad of [
      "",
      "orders",
      "orders.",
      ".create",
      "orders.insert",
      "a.b.c",
      "or ders.create",
      "**",
      "orders.*x",
    ])
      expect(isEventPattern(bad), bad).toBe(false);
  });

  it("matches collection and action", () => {
    expect(matchesEvent(["*"], "orders.create")).toBe(true);
    expect(matchesEvent(["orders.*"], "orders.delete")).toBe(true);
    expect(matchesEvent(["orders.create"], "orders.create")).toBe(true);
    expect(matchesEvent(["orders.create"], "orders.update")).toBe(false);
    expect(matchesEvent(["orders.create"], "orders_archive.create")).toBe(false);
    expect(matchesEvent(["*.update"], "users.update")).toBe(true);
    expect(matchesEvent(["ORDERS.create"], "orders.create")).toBe(true);
    expect(matchesEvent([], "orders.create")).toBe(false);
  });
});
