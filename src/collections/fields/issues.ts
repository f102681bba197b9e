import { type FieldIssue, issue } from "../../errors/api-error.js";

/** Value issues shared by several field types, with PocketBase's codes and messages. */
export const requiredIssue = (): FieldIssue => issue("validation_required", "Missing required value.");

export const unsupportedTypeIssue = (): FieldIssue =>
  issue("validation_unsupported_value_type", "Invalid or unsupported value type.");

export const minOptionIssue = (min: number): FieldIssue =>
  issue("validation_min_greater_equal_than_required", `Must be no less than ${min}.`, { threshold: min });

export const maxOptionIssue = (max: number): FieldIssue =>
  issue("validation_max_less_equal_than_required", `Must be no greater than ${max}.`, { threshold: max });

/** Largest integer a JSON number carries exactly; PocketBase caps size and length options here. */
export const MAX_SAFE_JSON_INT = 2 ** 53 - 1;

/** Length in Unicode code points, which is what PocketBase counts (runes), not UTF-16 units or bytes. */
export function runeLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
