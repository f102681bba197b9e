import { describe, expect, it } from "vitest";
import { generateOtpCode, hashOtpCode, otpCodeMatches } from "./otp-code.js";

describe("OTP codes", () => {
  it("are digits of the asked length, every digit in use", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const code = generateOtpCode(8);
      expect(code).toMatch(/^\d{8}$/);
      for (const d of code) seen.add(d);
    }
    expect(seen.size).toBe(10);
  });

  it("match only with the same code, OTP id and pepper", () => {
    const stored = hashOtpCode("12345678", "otp1", "pepper");
    expect(stored).not.toContain("12345678");
    expect(otpCodeMatches("12345678", "otp1", "pepper", stored)).toBe(true);
    expect(otpCodeMatches("12345679", "otp1", "pepper", stored)).toBe(false);
    expect(otpCodeMatches("12345678", "otp2", "pepper", stored)).toBe(false);
    expect(otpCodeMatches("12345678", "otp1", "other", stored)).toBe(false);
    expect(otpCodeMatches("12345678", "otp1", "pepper", "not-hex")).toBe(false);
  });
});
