import { describe, expect, it } from "vitest";
import { isCanonicalDate, nowString, parseDate } from "./date-format.js";

describe("date format", () => {
  it("nowString is PocketBase's layout and current", () => {
    const now = nowString();
    expect(now).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(now.replace(" ", "T")) - Date.now())).toBeLessThan(5000);
  });

  const cases: Array<[string, string | null]> = [
    ["2024-11-10 18:45:27.123Z", "2024-11-10 18:45:27.123Z"],
    ["2024-11-10T18:45:27.123Z", "2024-11-10 18:45:27.123Z"],
    ["2024-11-10t18:45:27z", "2024-11-10 18:45:27.000Z"],
    ["2024-11-10T18:45Z", "2024-11-10 18:45:00.000Z"],
    ["2024-11-10T00:30:00-01:30", "2024-11-10 02:00:00.000Z"],
    ["2024-11-10T00:30:00+0100", "2024-11-09 23:30:00.000Z"],
    ["2024-02-29", "2024-02-29 00:00:00.000Z"],
    ["0000-01-01 00:00:00.000Z", "0000-01-01 00:00:00.000Z"],
    ["9999-12-31 23:59:59.999Z", "9999-12-31 23:59:59.999Z"],
    ["9999-12-31T23:59:59-01:00", null],
    ["2023-02-29", null],
    ["2024-13-01", null],
    ["2024-01-01T24:00:00Z", null],
    ["2024-1-1", null],
    ["1700000000", null],
    ["", null],
  ];
  it.each(cases)("parseDate(%j)", (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it("isCanonicalDate refuses lookalikes", () => {
    expect(isCanonicalDate("2024-01-01 00:00:00.000Z")).toBe(true);
    expect(isCanonicalDate("2024-02-30 00:00:00.000Z")).toBe(false);
    expect(isCanonicalDate("2024-01-01T00:00:00.000Z")).toBe(false);
  });
});
