/**
 * PocketBase's date layout, `YYYY-MM-DD HH:MM:SS.sssZ` in UTC. Fixed width, so stored dates sort
 * and compare correctly as plain strings in both databases.
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// Accepts the canonical layout, RFC 3339 / ISO 8601 (`T` or space, optional seconds, fraction and
// zone) and a bare date. A missing zone means UTC, as in PocketBase.
const LOOSE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The layouts `LOOSE` reads, as a JSON Schema pattern (no flags there, so case is spelled out).
 * Whether the date exists (February 30th) is left to the server.
 */
export const DATE_INPUT_PATTERN =
  "^\\s*\\d{4}-\\d{2}-\\d{2}(?:[Tt ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?)?\\s*(?:[Zz]|[Uu][Tt][Cc]|[+-]\\d{2}(?::?\\d{2})?)?\\s*$";

const MIN_TIME = -62_167_219_200_000; // 0000-01-01 00:00:00.000Z

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function formatDate(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.` +
    `${pad(date.getUTCMilliseconds(), 3)}Z`
  );
}

/** The current time in PocketBase's layout, e.g. `2024-11-10 18:45:27.123Z`. */
export function nowString(): string {
  return formatDate(new Date());
}

export function isCanonicalDate(value: string): boolean {
  return CANONICAL.test(value) && parseDate(value) === value;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || /^(z|utc)$/i.test(zone)) return 0;
  const digits = zone.replace(":", "");
  const sign = digits.startsWith("-") ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || "0"));
}

/** Parses a date string into the canonical layout; null when it is not a real date in years 0–9999. */
export function parseDate(text: string): string | null {
  const match = LOOSE.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null; // e.g. February 30th rolled over
  date.setUTCHours(hour, minute, second, ms);
  const time = date.getTime() - offsetMinutes(zone) * 60_000;
  const shifted = new Date(time);
  if (time < MIN_TIME || shifted.getUTCFullYear() > 9999) return null;
  return formatDate(shifted);
}

/** Dates from JSON or forms: strings are parsed, Date objects formatted, null/"" clear the value. */
export function coerceDate(raw: unknown): unknown {
  if (raw === null || raw === undefined || raw === "") return "";
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? raw : formatDate(raw);
  if (typeof raw === "string") return parseDate(raw) ?? raw;
  return raw;
}

/**
 * A stored date as read back. We always write the canonical layout, so the common case is one
 * regex test; anything else (imported or legacy data) is parsed.
 */
export function dateFromDb(text: string): string {
  if (text === "" || CANONICAL.test(text)) return text;
  return parseDate(text) ?? text;
}
