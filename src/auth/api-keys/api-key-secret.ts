import { createHash, randomBytes } from "node:crypto";

const PREFIX = "bk_";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SECRET_LENGTH = 40;
const SHAPE = /^bk_[A-Za-z0-9]{40}$/;

/** A new key: `bk_` and 40 base62 characters (about 238 random bits; rejection sampling keeps them uniform). */
export function generateApiKey(): string {
  let secret = "";
  while (secret.length < SECRET_LENGTH) {
    for (const b of randomBytes(SECRET_LENGTH * 2)) {
      if (b < 248 && secret.length < SECRET_LENGTH) secret += ALPHABET[b % 62];
    }
  }
  return PREFIX + secret;
}

/**
 * What the database keeps instead of the key. A plain SHA-256 is enough (unlike passwords): the
 * key is random with ~238 bits, so there is nothing to guess, and a fast hash lets every request
 * find its key by an indexed equality lookup.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Whether a bearer token is shaped like one of our keys (anything else is treated as a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return SHAPE.test(token);
}

/** The part of a key safe to show in listings, so people can tell their keys apart. */
export function visiblePrefix(key: string): string {
  return key.slice(0, PREFIX.length + 6);
}
