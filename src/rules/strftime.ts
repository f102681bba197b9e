/**
 * strftime() with SQLite's semantics for the supported subset, shared by the evaluator and used to
 * validate formats and modifiers at compile time (the dialects build their SQL from the parsed form).
 */
import type { DateModifier, StrftimePiece } from "../store/sql-fragments.js";
import { invalidFilter } from "./errors.js";

const DIRECTIVES = new Set(["Y", "m", "d", "H", "M", "S", "f", "j", "W", "w", "s"]);
const ADD_MODIFIER = /^([+-]?\d{1,6}) (day|hour|minute|second)s?$/;
const START_MODIFIER = /^start of (day|month|year)$/;

/**
 * The input forms strftime accepts; others (timezone offsets, julian days, hour 24, more than 3
 * fractional digits, where SQLite's own rules are quirky) give "" in every dialect.
 */
export const DATE_INPUT =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[ T]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d(?:\.\d{1,3})?))?)?Z?$/;

export function parseStrftimeFormat(format: string): StrftimePiece[] {
  const pieces: StrftimePiece[] = [];
  let text = "";
  for (let i = 0; i < format.length; i++) {
    const ch = format.charAt(i);
    if (ch !== "%") {
      text += ch;
      continue;
    }
    const directive = format.charAt(++i);
    if (directive === "%") {
      text += "%";
      continue;
    }
    if (!DIRECTIVES.has(directive)) {
      throw invalidFilter(
        `strftime() does not support "%${directive}" (supported: %Y %m %d %H %M %S %f %j %W %w %s %%)`,
      );
    }
    if (text) pieces.push({ kind: "text", text });
    text = "";
    pieces.push({ kind: "directive", directive: directive as "Y" });
  }
  if (text) pieces.push({ kind: "text", text });
  return pieces;
}

export function parseDateModifier(text: string): DateModifier {
  const add = ADD_MODIFIER.exec(text.trim());
  if (add) return { kind: "add", amount: Number(add[1]), unit: add[2] as "day" };
  const start = START_MODIFIER.exec(text.trim());
  if (start) return { kind: "startOf", unit: start[1] as "day" };
  throw invalidFilter(
    `strftime() does not support the modifier ${JSON.stringify(text)} (supported: "±N days|hours|minutes|seconds", "start of day|month|year")`,
  );
}

/** SQLite-compatible strftime for the supported subset; "" when the input is not a date. */
export function strftime(
  pieces: readonly StrftimePiece[],
  input: string,
  modifiers: readonly DateModifier[],
): string {
  let ms = parseDateMs(input);
  if (ms === undefined) return "";
  for (const modifier of modifiers) ms = applyModifier(ms, modifier);
  const date = new Date(ms);
  return pieces.map((p) => (p.kind === "text" ? p.text : formatDirective(p.directive, date))).join("");
}

function parseDateMs(input: string): number | undefined {
  const m = DATE_INPUT.exec(input);
  if (!m) return undefined;
  const start = new Date(0);
  start.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, 1);
  const days = Number(m[3]) - 1;
  const seconds = m[6] === undefined ? 0 : Number(m[6]);
  // Day and hour overflow (Feb 30, 24:00) roll over additively, as SQLite's julian-day arithmetic does.
  return (
    start.getTime() +
    days * 86_400_000 +
    Number(m[4] ?? 0) * 3_600_000 +
    Number(m[5] ?? 0) * 60_000 +
    Math.floor(seconds * 1000 + 0.5)
  );
}

const UNIT_MS = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 } as const;

function applyModifier(ms: number, modifier: DateModifier): number {
  if (modifier.kind === "add") return ms + modifier.amount * UNIT_MS[modifier.unit];
  const d = new Date(ms);
  const start = new Date(0);
  const month = modifier.unit === "year" ? 0 : d.getUTCMonth();
  const day = modifier.unit === "day" ? d.getUTCDate() : 1;
  start.setUTCFullYear(d.getUTCFullYear(), month, day);
  return start.getTime();
}

function formatDirective(directive: string, d: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const dayOfYear = Math.floor((d.getTime() - yearStart(d)) / 86_400_000);
  switch (directive) {
    case "Y":
      return pad(d.getUTCFullYear(), 4);
    case "m":
      return pad(d.getUTCMonth() + 1);
    case "d":
      return pad(d.getUTCDate());
    case "H":
      return pad(d.getUTCHours());
    case "M":
      return pad(d.getUTCMinutes());
    case "S":
      return pad(d.getUTCSeconds());
    case "f":
      return `${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    case "j":
      return pad(dayOfYear + 1, 3);
    case "w":
      return String(d.getUTCDay());
    case "W":
      return pad(Math.floor((dayOfYear + 7 - ((d.getUTCDay() + 6) % 7)) / 7));
    case "s":
      return String(Math.floor(d.getTime() / 1000));
    default:
      return "";
  }
}

function yearStart(d: Date): number {
  const start = new Date(0);
  start.setUTCFullYear(d.getUTCFullYear(), 0, 1);
  return start.getTime();
}
