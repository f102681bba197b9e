import { describe, expect, it } from "vitest";
import { FreshValue } from "./fresh-value.js";
import { parseLsn } from "./replica-reads.js";

describe("FreshValue", () => {
  it("never answers a call with a read that began before it, and shares reads among waiting calls", async () => {
    let reads = 0;
    const release: (() => void)[] = [];
    const value = new FreshValue(async () => {
      const n = ++reads;
      await new Promise<void>((resolve) => release.push(resolve));
      return n;
    });
    const first = value.get(); // starts read 1
    const second = value.get(); // read 1 began before it: waits for read 2
    const third = value.get(); // shares read 2
    expect(reads).toBe(1);
    release.shift()?.();
    expect(await first).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toBe(2);
    release.shift()?.();
    expect(await second).toBe(2);
    expect(await third).toBe(2);
    expect(reads).toBe(2);
  });

  it("a failed read fails its callers only; the next call reads again", async () => {
    let fail = true;
    const value = new FreshValue(async () => {
      if (fail) throw new Error("away");
      return "ok";
    });
    await expect(value.get()).rejects.toThrow("away");
    fail = false;
    expect(await value.get()).toBe("ok");
  });
});

describe("parseLsn", () => {
  it("orders WAL positions as PostgreSQL does", () => {
    expect(parseLsn("0/3001158")).toBe(0x3001158n);
    expect(parseLsn("16/B374D848") > parseLsn("15/FFFFFFFF")).toBe(true);
    expect(parseLsn("1/0")).toBe(1n << 32n);
  });
});
