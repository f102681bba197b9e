import { describe, expect, it } from "vitest";
import { STATUSES } from "../seed.mjs";
import { customerRows, inChunks, orderRows, samplePool } from "./data.mjs";

describe("bench:peers data set", () => {
  it("numbers the customers like Backroom's seed", () => {
    expect(customerRows(2)).toEqual([
      { name: "Customer 1", email: "customer1@example.com" },
      { name: "Customer 2", email: "customer2@example.com" },
    ]);
  });

  it("makes valid orders over the last year, newest first, a note on every fourth", () => {
    const now = Date.now();
    const orders = orderRows(2000, 50);
    expect(orders).toHaveLength(2000);
    for (const [i, order] of orders.entries()) {
      expect(order.customer).toBeGreaterThanOrEqual(0);
      expect(order.customer).toBeLessThan(50);
      expect(STATUSES).toContain(order.status);
      expect(order.total).toBeGreaterThanOrEqual(1);
      expect(order.total).toBeLessThan(500);
      expect(order.note === "").toBe(i % 4 !== 0);
      expect(order.createdMs).toBeLessThanOrEqual(now);
      expect(order.createdMs).toBeGreaterThan(now - 366 * 86_400_000);
    }
    // Within a minute of jitter, later rows are older.
    expect(orders[0]!.createdMs).toBeGreaterThan(orders[1999]!.createdMs);
    // Enough paid orders over 100 to fill the list scenario's page of 30 many times over.
    expect(orders.filter((o) => o.status === "paid" && o.total > 100).length).toBeGreaterThan(300);
  });

  it("draws the get-one pool from the given ids only", () => {
    const pool = samplePool(["a", "b", "c"], 50);
    expect(pool).toHaveLength(3);
    expect(pool.every((id) => ["a", "b", "c"].includes(id))).toBe(true);
    expect(samplePool(Array.from({ length: 5000 }, (_, i) => String(i)))).toHaveLength(1000);
  });

  it("sends slices in order with at most `parallel` in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await inChunks([1, 2, 3, 4, 5, 6, 7], 2, 2, async (chunk) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return chunk.reduce((a, b) => a + b, 0);
    });
    expect(results).toEqual([3, 7, 11, 7]);
    expect(most).toBe(2);
  });
});
