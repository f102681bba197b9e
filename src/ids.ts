import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A random id from [a-z0-9] (PocketBase's record id format); rejection sampling keeps it uniform. */
export function randomId(length = 15): string {
  let out = "";
  while (out.length < length) {
    const bytes = randomBytes(length * 2);
    for (const b of bytes) {
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

/** `YYYY-MM-DD HH:MM:SS.sssZ`, the wire format of dates. */
export function nowDate(date: Date = new Date()): string {
  return date.toISOString().replace("T", " ");
}
