import { randomFillSync, randomInt } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Bytes at or above this are rejected so that `byte % 36` stays uniform (252 = 7 × 36). */
const UNBIASED_LIMIT = 252;

// Cryptographic randomness drawn a pool at a time: one randomFillSync per ~250 ids instead of a
// randomBytes call (and a Buffer) per id, which showed up on the request path.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] as number;
}

function randomChars(length: number): string {
  let out = "";
  while (out.length < length) {
    const b = randomByte();
    if (b < UNBIASED_LIMIT) out += ALPHABET[b % 36];
  }
  return out;
}

/** A random id from [a-z0-9] (PocketBase's record id format); rejection sampling keeps it uniform. */
export function randomId(length = 15): string {
  return randomChars(length);
}

// Time-ordered ids: the millisecond, then a 6-digit number that starts at a random point each
// millisecond and counts up from there.
const PER_MS = 36 ** 3;
const SUFFIX_STARTS = 36 ** 6 - PER_MS + 1;
let lastMs = 0;
let start = 0;
let sequence = 0;

/**
 * A 15-character [a-z0-9] id that sorts by creation time: milliseconds (9 base-36 digits, good
 * until the year 5188), then 6 base-36 digits: a random starting point drawn afresh every
 * millisecond plus a sequence within it. For tables written at a high rate (the request log): new
 * keys append at the right edge of the primary-key index instead of landing on a random page,
 * which made each insert several times dearer. Unique within a process (up to 46,656 ids a
 * millisecond, then the next one is borrowed). Across processes, ids of one millisecond clash
 * only if their runs overlap among ~2.2 billion starting points, and nothing carries a clash over
 * to the next millisecond (a per-process tag did: two nodes with one tag clashed whenever both
 * wrote in the same millisecond). Writers still insert with ON CONFLICT DO NOTHING, and count.
 */
export function timeOrderedId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    start = randomInt(SUFFIX_STARTS);
    sequence = 0;
  } else if (++sequence >= PER_MS) {
    // More than 46,656 ids in one millisecond: borrow the next millisecond.
    lastMs += 1;
    start = randomInt(SUFFIX_STARTS);
    sequence = 0;
  }
  return lastMs.toString(36).padStart(9, "0") + (start + sequence).toString(36).padStart(6, "0");
}

/** `YYYY-MM-DD HH:MM:SS.sssZ`, the wire format of dates. */
export function nowDate(date: Date = new Date()): string {
  return date.toISOString().replace("T", " ");
}

let formattedSecond = Number.NaN;
let secondPrefix = "";

/**
 * `dateAt(ms)` = `nowDate(new Date(ms))`, cheaper for a stream of nearby instants (the request
 * log formats one per request): the `YYYY-MM-DD HH:MM:SS.` part is reused within a second.
 */
export function dateAt(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== formattedSecond) {
    formattedSecond = second;
    secondPrefix = nowDate(new Date(second * 1000)).slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${secondPrefix}${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}
