import { describe, expect, it } from "vitest";
import { redactUrl } from "./log-entry.js";

describe("URLs in the request log", () => {
  it("keeps URLs without a token parameter as they are", () => {
    const url = "/api/collections/orders/records?filter=status%20%3D%20%22paid%22&sort=-created&perPage=30";
    expect(redactUrl(url)).toBe(url);
    expect(redactUrl("/api/health")).toBe("/api/health");
    expect(redactUrl("/api/x?flag&tokenish=1")).toBe("/api/x?flag&tokenish=1");
  });

  it("replaces the values of parameters named …token, whatever their case or escaping", () => {
    expect(redactUrl("/api/files/c/r/f.png?thumb=10x10&token=abc.def")).toBe(
      "/api/files/c/r/f.png?thumb=10x10&token=REDACTED",
    );
    expect(redactUrl("/api/x?accessToken=s3cret&a=1&refresh_TOKEN=x")).toBe(
      "/api/x?accessToken=REDACTED&a=1&refresh_TOKEN=REDACTED",
    );
    expect(redactUrl("/api/x?%74oken=s3cret")).toBe("/api/x?%74oken=REDACTED");
  });

  it("survives malformed escapes in a name", () => {
    expect(redactUrl("/api/x?%E0%A4%A=1&token=t")).toBe("/api/x?%E0%A4%A=1&token=REDACTED");
  });
});
