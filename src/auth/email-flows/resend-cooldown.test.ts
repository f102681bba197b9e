import { describe, expect, it } from "vitest";
import { ResendCooldown, sendOncePerWindow } from "./resend-cooldown.js";

describe("resend cooldown", () => {
  it("allows a key once per window, then again after it", () => {
    const c = new ResendCooldown(1000);
    expect(c.claim("a", 0)).toBe(true);
    expect(c.claim("a", 999)).toBe(false);
    expect(c.claim("b", 999)).toBe(true);
    expect(c.claim("a", 1000)).toBe(true);
  });

  it("a failed send gives the window back", async () => {
    const owner = {};
    let sends = 0;
    const failing = async () => {
      sends++;
      throw new Error("smtp down");
    };
    await expect(sendOncePerWindow(owner, "k", failing)).rejects.toThrow("smtp down");
    await expect(sendOncePerWindow(owner, "k", failing)).rejects.toThrow("smtp down");
    await sendOncePerWindow(owner, "k", async () => {
      sends++;
    });
    await sendOncePerWindow(owner, "k", async () => {
      sends++;
    });
    expect(sends).toBe(3);
  });
});
