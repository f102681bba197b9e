import { type MacroName, unreachable } from "./ast.js";

/** The value of a datetime macro at `now`, in UTC; dates use the stored `YYYY-MM-DD HH:MM:SS.sssZ` form. */
export function macroValue(name: MacroName, now: Date): string | number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  switch (name) {
    case "now":
      return formatDate(now);
    case "yesterday":
      return formatDate(new Date(now.getTime() - 86_400_000));
    case "tomorrow":
      return formatDate(new Date(now.getTime() + 86_400_000));
    case "second":
      return now.getUTCSeconds();
    case "minute":
      return now.getUTCMinutes();
    case "hour":
      return now.getUTCHours();
    case "weekday":
      return now.getUTCDay();
    case "day":
      return d;
    case "month":
      return m + 1;
    case "year":
      return y;
    case "todayStart":
      return formatDate(new Date(Date.UTC(y, m, d)));
    case "todayEnd":
      return formatDate(new Date(Date.UTC(y, m, d, 23, 59, 59, 999)));
    case "monthStart":
      return formatDate(new Date(Date.UTC(y, m, 1)));
    case "monthEnd":
      return formatDate(new Date(Date.UTC(y, m + 1, 0, 23, 59, 59, 999)));
    case "yearStart":
      return formatDate(new Date(Date.UTC(y, 0, 1)));
    case "yearEnd":
      return formatDate(new Date(Date.UTC(y, 11, 31, 23, 59, 59, 999)));
    default:
      return unreachable(name);
  }
}

/** `2024-11-10 18:45:27.123Z`, the form date fields are stored in. */
export function formatDate(date: Date): string {
  return date.toISOString().replace("T", " ");
}
