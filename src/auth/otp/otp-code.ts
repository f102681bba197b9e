import { createHmac, randomInt, timingSafeEqual } from "node:crypto";

/** A random numeric code; each digit drawn uniformly from a CSPRNG. */
export function generateOtpCode(length: number): string {
  let code = "";
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/**
 * The stored form of a code: HMAC-SHA256 keyed by a server-side secret (the collection's auth
 * token secret, the "pepper") and bound to the OTP id. Why not argon2: a code lives minutes and
 * allows 5 guesses, so the hash only has to keep someone who reads the `_otps` table (a backup, a
 * replica) from using a live code, which the key does; argon2's 19 MiB per hash would instead let
 * anyone flood the unauthenticated request-otp endpoint into memory pressure.
 */
export function hashOtpCode(code: string, otpId: string, pepper: string): string {
  return createHmac("sha256", `otp:${pepper}`).update(`${otpId}:${code}`).digest("hex");
}

/** Constant-time comparison of a guess against the stored hash. */
export function otpCodeMatches(guess: string, otpId: string, pepper: string, stored: string): boolean {
  const a = Buffer.from(hashOtpCode(guess, otpId, pepper), "hex");
  const b = Buffer.from(stored, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
