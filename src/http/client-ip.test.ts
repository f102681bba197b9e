import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { clientIp, parseAddress } from "./client-ip.js";

function request(ip: string, headers: [string, string][]): FastifyRequest {
  return { ip, raw: { rawHeaders: headers.flat() } } as unknown as FastifyRequest;
}

const xff = (useLeftmostIP = false) => ({ headers: ["X-Forwarded-For"], useLeftmostIP });

describe("clientIp", () => {
  it("is the socket address unless trusted headers are configured", () => {
    const req = request("::ffff:10.0.0.1", [["x-forwarded-for", "1.2.3.4"]]);
    expect(clientIp(req, { headers: [], useLeftmostIP: false })).toBe("10.0.0.1");
    expect(clientIp(req, xff())).toBe("1.2.3.4");
  });

  it("takes the rightmost valid address by default, the leftmost on request", () => {
    const req = request("10.0.0.1", [["X-Forwarded-For", "6.6.6.6, junk, 1.2.3.4, 5.6.7.8 , nope"]]);
    expect(clientIp(req, xff())).toBe("5.6.7.8");
    expect(clientIp(req, xff(true))).toBe("6.6.6.6");
  });

  it("reads the last occurrence of a repeated header (what the proxy appended)", () => {
    const req = request("10.0.0.1", [
      ["x-forwarded-for", "6.6.6.6"],
      ["X-Forwarded-For", "1.2.3.4"],
    ]);
    expect(clientIp(req, xff(true))).toBe("1.2.3.4");
  });

  it("tries headers in order and falls back to the socket when none has an address", () => {
    const headers = { headers: ["CF-Connecting-IP", "X-Real-IP"], useLeftmostIP: false };
    expect(clientIp(request("10.0.0.1", [["x-real-ip", "9.9.9.9"]]), headers)).toBe("9.9.9.9");
    expect(clientIp(request("10.0.0.1", [["cf-connecting-ip", "garbage"]]), headers)).toBe("10.0.0.1");
  });

  it("parses ports, brackets and RFC 7239 elements, and rejects the rest", () => {
    expect(parseAddress(" 1.2.3.4:8080 ")).toBe("1.2.3.4");
    expect(parseAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(parseAddress('for="[2001:db8::2]:4711";proto=https')).toBe("2001:db8::2");
    expect(parseAddress("for=192.0.2.60;proto=http;by=203.0.113.43")).toBe("192.0.2.60");
    expect(parseAddress("proto=http")).toBeUndefined();
    expect(parseAddress("unknown")).toBeUndefined();
    expect(parseAddress("1.2.3.4.5")).toBeUndefined();
  });
});
