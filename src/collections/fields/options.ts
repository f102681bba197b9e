import { type FieldIssue, issue } from "../../errors/api-error.js";
import type { FieldCommon } from "./field-type.js";

/**
 * How a type's options are read from raw API input. `normalize` converts what it can (e.g. "5" → 5)
 * and keeps anything else as sent, so `validateOptions` can name the bad option instead of a
 * silently substituted default hiding the mistake.
 */
export type OptionKind = "bool" | "int" | "numberOrNull" | "string" | "strings" | "stringsOrNull";

export interface OptionSpec {
  kind: OptionKind;
  default: unknown;
}

export type OptionSchema = Record<string, OptionSpec>;

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Parses a decimal string the way a person would write a number; undefined when it isn't one. */
export function parseNumeric(text: string): number | undefined {
  return NUMERIC.test(text) ? Number(text) : undefined;
}

function readOption(kind: OptionKind, value: unknown, fallback: unknown): unknown {
  if (value === undefined) return fallback;
  switch (kind) {
    case "bool":
      if (value === null) return fallback;
      if (value === "true") return true;
      if (value === "false") return false;
      return value;
    case "int":
    case "numberOrNull":
      if (value === null || value === "") return kind === "int" ? fallback : null;
      if (typeof value === "string") return parseNumeric(value) ?? value;
      return value;
    case "string":
      return value === null ? fallback : value;
    case "strings":
    case "stringsOrNull":
      if (value === null) return kind === "strings" ? fallback : null;
      return Array.isArray(value) ? [...value] : value;
  }
}

function matchesKind(kind: OptionKind, value: unknown): boolean {
  switch (kind) {
    case "bool":
      return typeof value === "boolean";
    case "int":
      return Number.isSafeInteger(value);
    case "numberOrNull":
      return value === null || (typeof value === "number" && Number.isFinite(value));
    case "string":
      return typeof value === "string";
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "stringsOrNull":
      return value === null || (Array.isArray(value) && value.every((v) => typeof v === "string"));
  }
}

const EXPECTED: Record<OptionKind, string> = {
  bool: "a boolean",
  int: "an integer",
  numberOrNull: "a number or null",
  string: "a string",
  strings: "a list of strings",
  stringsOrNull: "a list of strings or null",
};

export function readOptions(schema: OptionSchema, raw: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
    options[name] = readOption(spec.kind, value, spec.default);
  }
  return options;
}

/** Issues for options whose value is not of the schema's kind, keyed by option name. */
export function optionKindIssues(schema: OptionSchema, field: FieldCommon): Record<string, FieldIssue> {
  const issues: Record<string, FieldIssue> = {};
  const values = field as unknown as Record<string, unknown>;
  for (const [name, spec] of Object.entries(schema)) {
    if (!matchesKind(spec.kind, values[name])) {
      issues[name] = issue("validation_invalid_value", `Must be ${EXPECTED[spec.kind]}.`, {
        expected: spec.kind,
      });
    }
  }
  return issues;
}
