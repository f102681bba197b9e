import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./signature.js";

const secret = "whsec_test_secret_value";
const body = JSON.stringify({ id: "evt_1", type: "orders.create", record: { total: 42 } });
const now = 1_700_000_000;

describe("verifyWebhookSignature", () => {
  it("accepts a signature made with the same secret over the same body", () => {
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now), body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, signWebhook(secret, body, now), Buffer.from(body), 300, now)).toBe(
      true,
    );
  });

  it("rejects a wrong secret, a changed body or a changed timestamp", () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature("another secret", header, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body.replace("42", "43"), 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header.replace(`t=${now}`, `t=${now + 1}`), body, 300, now)).toBe(
      false,
    );
  });

  it("enforces the timestamp tolerance both ways", () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body, 300, now + 300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 300, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, now - 301)).toBe(false);
  });

  it("accepts any matching v1 among several (secret rotation)", () => {
    const good = signWebhook(secret, body, now).split(",")[1];
    const bad = signWebhook("old secret", body, now).split(",")[1];
    expect(verifyWebhookSignature(secret, `t=${now},${bad},${good}`, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, `t=${now},${bad}`, body, 300, now)).toBe(false);
  });

  it("rejects malformed headers without throwing", () => {
    for (const header of [
      undefined,
      null,
      "",
      "garbage",
      `t=${now}`,
      "v1=abcd",
      `t=abc,v1=${"0".repeat(64)}`,
      `t=${now},v1=${"z".repeat(64)}`,
      `t=${now},v1=${"0".repeat(63)}`,
      `t=${now},v1=${"0".repeat(64)}`,
      "x".repeat(10_000),
    ]) {
      expect(verifyWebhookSignature(secret, header, body, 300, now), String(header).slice(0, 40)).toBe(false);
    }
    expect(verifyWebhookSignature("", signWebhook("", body, now), body, 300, now)).toBe(false);
  });
});
